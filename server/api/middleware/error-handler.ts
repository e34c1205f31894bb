import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { getLogger } from '../../../logging/logger';
import { AppError, PROBLEM_CONTENT_TYPE, problemType, type ProblemDetails } from '../../errors/app-error';

/** The fields body-parser (http-errors) puts on the errors it raises. */
interface HttpError {
  status: number;
  type?: string;
  expose?: boolean;
  limit?: number;
}

function isHttpError(error: unknown): error is HttpError {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}

function fromHttpError(error: HttpError): AppError | null {
  const status = error.status;
  if (status < 400 || status >= 500) return null;
  const title = STATUS_CODES[status] ?? 'Bad request';
  switch (error.type) {
    case 'entity.too.large':
      return new AppError({
        code: 'payload-too-large',
        status,
        title,
        detail: `The request body exceeds ${error.limit ?? 'the limit of'} bytes.`,
      });
    case 'entity.parse.failed':
      return new AppError({ code: 'malformed-json', status, title, detail: 'The request body is not valid JSON.' });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError({
        code: 'unsupported-encoding',
        status,
        title,
        detail: 'The request body encoding or charset is not supported.',
      });
    default:
      return new AppError({ code: 'bad-request', status, title, detail: title });
  }
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isHttpError(error)) {
    const mapped = fromHttpError(error);
    if (mapped) return mapped;
  }
  return new AppError({
    code: 'internal-error',
    status: 500,
    title: 'Internal Server Error',
    detail: 'An unexpected error occurred; quote the requestId when reporting it.',
  });
}

export function sendProblem(
  req: Request,
  res: Response,
  error: AppError,
  extensions: Record<string, unknown> = {},
): void {
  const body: ProblemDetails = {
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    detail: error.detail,
    instance: req.originalUrl.split('?')[0] ?? req.originalUrl,
    requestId: res.locals.requestId ?? '',
    ...(error.errors ? { errors: error.errors } : {}),
    ...extensions,
  };
  res.status(error.status).set(error.headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** 404 for any path no router answered. */
export function notFound(): RequestHandler {
  return (req) => {
    throw AppError.notFound(
      `No route matches ${req.method} ${req.originalUrl.split('?')[0] ?? ''}.`,
      'route-not-found',
    );
  };
}

/** The one place errors become responses: RFC 9457 problems, never a stack trace. */
export function errorHandler(): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      // The request timeout already answered; the handler's late write or failure has no one to reach.
      if (res.locals.timedOut) {
        getLogger().debug('late outcome of a timed-out request dropped', {
          error: error instanceof Error ? error.message : String(error),
        });
        return;
      }
      next(error);
      return;
    }
    const appError = toAppError(error);
    const cause = error instanceof AppError ? error.cause : error;
    if (appError.status === 500) {
      // The stack goes to the log, never to the caller.
      getLogger().error('request failed', {
        code: appError.code,
        error:
          cause instanceof Error ? { name: cause.name, message: cause.message, stack: cause.stack } : String(cause),
      });
    } else if (appError.status > 500) {
      getLogger().warn('request failed: dependency', {
        code: appError.code,
        error: cause instanceof Error ? cause.message : undefined,
      });
    }
    sendProblem(req, res, appError, { ...appError.extensions });
  };
}
