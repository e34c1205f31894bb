import { EXIT, exitCodeForStatus, type ExitCode } from './exit-codes';

/** An error the CLI reports as one line on stderr and turns into its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad flags, arguments or JSON given to the CLI: nothing was sent. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
    this.name = 'UsageError';
  }
}

/** One field the API named as invalid. */
export interface ProblemFieldError {
  field: string;
  message: string;
}

/** The RFC 9457 body the API answers errors with (the fields the CLI reads). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  requestId?: string;
  errors?: ProblemFieldError[];
}

/** The API answered with an error status. `text` is its body exactly as sent (for --json). */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
    readonly text: string,
    readonly retryAfterSeconds: number | null,
  ) {
    super(problem?.detail ?? `HTTP ${status}`, exitCodeForStatus(status));
    this.name = 'ApiError';
  }
}

/** Nothing usable came back: connection refused, DNS failure, timeout, or a body that is not the API's. */
export class UnreachableError extends CliError {
  constructor(message: string) {
    super(message, EXIT.UNAVAILABLE);
    this.name = 'UnreachableError';
  }
}
