/** Bounds of one import; tests shorten them (AppDeps.importLimits). */
export interface ImportLimits {
  /** Largest file (default 200 MiB): 413 up front by Content-Length, or once the stream passes it. */
  maxBytes: number;
  /** Rows stored per inbox statement (default 500). */
  batchRows: number;
  /** Bytes of rows per inbox statement (default 2 MiB), so a batch of large rows stays well under max_allowed_packet. */
  batchBytes: number;
  /** How long an import waits for the intake's backlog to drop under INTAKE_BACKLOG_LIMIT before it stops with 429 (default 60 s). */
  backlogWaitMs: number;
  /** How often a running import saves its counters (default 1 s). */
  progressEveryMs: number;
  /** Rejected lines kept per import with their reasons (default 1,000); all are counted. */
  rejectionsKept: number;
  /** Longest wait for Redis to take a batch's jobs (default 5 s); the sweeper enqueues what it did not take. */
  enqueueTimeoutMs: number;
}

export const DEFAULT_IMPORT_LIMITS: Readonly<ImportLimits> = Object.freeze({
  maxBytes: 200 * 1024 * 1024,
  batchRows: 500,
  batchBytes: 2 * 1024 * 1024,
  backlogWaitMs: 60_000,
  progressEveryMs: 1_000,
  rejectionsKept: 1_000,
  enqueueTimeoutMs: 5_000,
});
