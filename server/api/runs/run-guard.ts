/**
 * Called with the workflow type of the run a request acts on, once the service has described the
 * run and before it acts on it or answers; throws (a 403) when the caller may not. Services take
 * one so that a per-process check costs no Temporal call beyond the describe they make anyway.
 */
export type RunTypeGuard = (type: string) => void;
