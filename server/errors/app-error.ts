/** One field that failed validation, named by its path in the request (e.g. `input.customer.email`). */
export interface FieldError {
  field: string;
  message: string;
}

export interface AppErrorOptions {
  /** Stable, kebab-case code; becomes the problem `type` (`/problems/<code>`). */
  code: string;
  status: number;
  title: string;
  detail: string;
  errors?: FieldError[];
  /** Response headers the error requires, e.g. `WWW-Authenticate` on a 401. */
  headers?: Record<string, string>;
  /** More members of the problem (RFC 9457 §3.2 extensions), e.g. a flow's `issues`. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error type of the API. Services throw it; the central error handler turns it into an
 * RFC 9457 problem. Anything else that reaches the handler is answered as an opaque 500.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: readonly FieldError[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(options: AppErrorOptions) {
    super(options.detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.status = options.status;
    this.title = options.title;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }

  static validation(detail: string, errors: FieldError[]): AppError {
    return new AppError({ code: 'validation-error', status: 400, title: 'Invalid request', detail, errors });
  }

  static notFound(detail: string, code = 'not-found'): AppError {
    return new AppError({ code, status: 404, title: 'Not found', detail });
  }

  static conflict(detail: string, code = 'conflict'): AppError {
    return new AppError({ code, status: 409, title: 'Conflict', detail });
  }

  static unauthorized(detail: string): AppError {
    return new AppError({
      code: 'unauthorized',
      status: 401,
      title: 'Unauthorized',
      detail,
      headers: { 'WWW-Authenticate': 'Bearer realm="junction"' },
    });
  }

  static forbidden(detail: string): AppError {
    return new AppError({ code: 'forbidden', status: 403, title: 'Forbidden', detail });
  }

  static unavailable(detail: string, cause?: unknown): AppError {
    return new AppError({
      code: 'dependency-unavailable',
      status: 503,
      title: 'Service unavailable',
      detail,
      headers: { 'Retry-After': '5' },
      cause,
    });
  }
}

/** The RFC 9457 body every error response carries. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: readonly FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `/problems/${code}`;
}
