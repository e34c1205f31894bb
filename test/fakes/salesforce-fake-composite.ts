/**
 * The Salesforce fake's Composite resource: up to 25 subrequests run in order through the same
 * routes, `@{referenceId.field}` replaced by earlier results; with allOrNone the first failure
 * rolls everything back, the failing subrequest reports its error and every other one
 * PROCESSING_HALTED. The top-level answer is 200 either way.
 */
import { z } from 'zod';
import { SalesforceFakeError, type Answer } from './salesforce-fake-schema';
import type { SalesforceFakeStore } from './salesforce-fake-store';

const compositeBody = z.strictObject({
  allOrNone: z.boolean().optional(),
  collateSubrequests: z.boolean().optional(),
  compositeRequest: z
    .array(
      z.strictObject({
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
        url: z.string().startsWith('/services/data/'),
        referenceId: z.string().regex(/^[A-Za-z0-9_]+$/),
        body: z.unknown().optional(),
        httpHeaders: z.record(z.string(), z.string()).optional(),
      }),
    )
    .min(1)
    .max(25),
});

interface SubResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

const halted = (referenceId: string): SubResult => ({
  body: [
    {
      errorCode: 'PROCESSING_HALTED',
      message: 'The transaction was rolled back since another operation in the same transaction failed.',
    },
  ],
  httpHeaders: {},
  httpStatusCode: 400,
  referenceId,
});

export function runComposite(
  body: unknown,
  store: SalesforceFakeStore,
  route: (method: string, url: string, body: unknown) => Answer,
): { compositeResponse: SubResult[] } {
  const parsed = compositeBody.safeParse(body);
  if (!parsed.success)
    throw new SalesforceFakeError(
      400,
      'JSON_PARSER_ERROR',
      `Invalid composite request: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`,
    );
  const { allOrNone = false, compositeRequest } = parsed.data;
  const before = store.snapshot();
  const results: SubResult[] = [];
  const outputs = new Map<string, Record<string, unknown>>();
  const resolve = (text: string) =>
    text.replace(/@\{(\w+)\.(\w+)\}/g, (whole, ref: string, field: string) =>
      String(outputs.get(ref)?.[field] ?? whole),
    );
  let failed = false;
  for (const sub of compositeRequest) {
    if (failed && allOrNone) {
      results.push(halted(sub.referenceId));
      continue;
    }
    try {
      const subBody: unknown = sub.body === undefined ? undefined : JSON.parse(resolve(JSON.stringify(sub.body)));
      const answer = route(sub.method, resolve(sub.url), subBody);
      outputs.set(sub.referenceId, (answer.body ?? {}) as Record<string, unknown>);
      results.push({
        body: answer.body ?? null,
        httpHeaders: answer.headers ?? {},
        httpStatusCode: answer.status,
        referenceId: sub.referenceId,
      });
    } catch (error) {
      const failure =
        error instanceof SalesforceFakeError
          ? error
          : new SalesforceFakeError(500, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred.');
      results.push({
        body: failure.body(),
        httpHeaders: {},
        httpStatusCode: failure.status,
        referenceId: sub.referenceId,
      });
      failed = true;
    }
  }
  if (!failed || !allOrNone) return { compositeResponse: results };
  store.records = before;
  return {
    compositeResponse: results.map((result) => (result.httpStatusCode < 300 ? halted(result.referenceId) : result)),
  };
}
