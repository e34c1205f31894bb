import type { InfrastructureGuard } from './infrastructure-fields';

/**
 * Called with the workflow type of the run a request acts on, once the service has described the
 * run and before it acts on it or answers; throws (a 403) when the caller may not. Services take
 * one so that a per-process check costs no Temporal call beyond the describe they make anyway.
 */
export type RunTypeGuard = (type: string) => void;

/**
 * What a caller may start, for the services that start runs (a run, a schedule's runs): `process`
 * sees the type once it is known to the catalog; `infrastructure` the fields that choose
 * infrastructure (absent: refused); `person` is whom the caller acts for, checked against the
 * process's initiator (null or absent: a system).
 */
export interface StartGuards {
  process?: RunTypeGuard;
  infrastructure?: InfrastructureGuard;
  person?: string | null;
}
