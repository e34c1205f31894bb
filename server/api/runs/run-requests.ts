/**
 * Idempotency-Key on POST /v1/runs, with Stripe's contract: a key is bound to the request it was
 * first used with. The same key and the same request answer the run the first one started; the
 * same key with another body is refused (422), since answering the old run would let the caller
 * believe a different order was placed. Keys are per caller and remembered for 24 hours.
 */
import { createHash } from 'node:crypto';
import { Op, UniqueConstraintError } from 'sequelize';
import stringify from 'safe-stable-stringify';
import type { RunRequest } from '../../db/models';
import { AppError } from '../../errors/app-error';
import type { Principal } from '../../auth/scopes';

export const IDEMPOTENCY_KEY_RETENTION_MS = 24 * 60 * 60 * 1000;

/** What identifies a run request for its key: the workflow type, the input as sent, and the business key. */
export interface RunRequestBody {
  type: string;
  input: unknown;
  businessKey?: string;
  /** A flow's version; part of the request only when named, so hashes of requests without it stay as they were. */
  version?: string;
}

export interface StartedRunRef {
  workflowId: string;
  runId: string;
}

export type Claim =
  | { kind: 'first'; record(started: StartedRunRef): Promise<void>; release(): Promise<void> }
  | { kind: 'repeat'; started: StartedRunRef };

export interface RunRequestStore {
  /** Claims `key` for this request, or answers the run an identical earlier request started. Throws 422 or 409 otherwise. */
  claim(principal: Principal, key: string, request: RunRequestBody): Promise<Claim>;
}

/** Keys are per caller: `key:<id>` for an API key, a hash of issuer and subject for an OIDC token (64 characters at most). */
export function callerOf(principal: Principal): string {
  if (principal.kind === 'key') return `key:${principal.keyId}`;
  return `oidc:${createHash('sha256').update(`${principal.issuer}\n${principal.subject}`).digest('hex').slice(0, 48)}`;
}

/** SHA-256 of the request in canonical JSON (keys sorted), so the order of fields does not matter. */
export function requestHashOf(request: RunRequestBody): string {
  const canonical =
    stringify({
      type: request.type,
      input: request.input ?? null,
      businessKey: request.businessKey ?? null,
      ...(request.version === undefined ? {} : { version: request.version }),
    }) ?? 'null';
  return createHash('sha256').update(canonical).digest('hex');
}

/** How often one process deletes expired keys: once a minute, not on every request. */
const PURGE_INTERVAL_MS = 60_000;

export function createRunRequestStore(
  runRequests: typeof RunRequest,
  now: () => Date = () => new Date(),
): RunRequestStore {
  let lastPurge = 0;

  /** Expired keys are forgotten in small batches, at most once a minute per process, by the requests that come along. */
  async function forgetExpired(): Promise<void> {
    const at = now().getTime();
    if (at - lastPurge < PURGE_INTERVAL_MS) return;
    lastPurge = at;
    await runRequests.destroy({
      where: { createdAt: { [Op.lt]: new Date(at - IDEMPOTENCY_KEY_RETENTION_MS) } },
      limit: 1000,
    });
  }

  async function existing(caller: string, key: string): Promise<RunRequest | null> {
    const row = await runRequests.findOne({ where: { caller, idempotencyKey: key } });
    if (row && now().getTime() - row.createdAt.getTime() > IDEMPOTENCY_KEY_RETENTION_MS) {
      await row.destroy();
      return null;
    }
    return row;
  }

  function answerFor(row: RunRequest, hash: string): Claim {
    if (row.requestHash !== hash) {
      throw new AppError({
        code: 'idempotency-key-reused',
        status: 422,
        title: 'Idempotency key reused',
        detail: `This Idempotency-Key was used at ${row.createdAt.toISOString()} with a different request (${row.workflowType}${row.workflowId ? `, run ${row.workflowId}` : ''}); send a new key for a new request.`,
      });
    }
    if (row.workflowId === null || row.runId === null) {
      throw new AppError({
        code: 'idempotency-key-in-use',
        status: 409,
        title: 'Request in progress',
        detail: 'A request with this Idempotency-Key is still starting its run; retry in a moment.',
        headers: { 'Retry-After': '1' },
      });
    }
    return { kind: 'repeat', started: { workflowId: row.workflowId, runId: row.runId } };
  }

  return {
    async claim(principal, key, request) {
      const caller = callerOf(principal);
      const hash = requestHashOf(request);
      const found = await existing(caller, key);
      if (found) return answerFor(found, hash);
      await forgetExpired();
      let row: RunRequest;
      try {
        row = await runRequests.create({
          caller,
          idempotencyKey: key,
          requestHash: hash,
          workflowType: request.type,
          workflowId: null,
          runId: null,
        });
      } catch (error) {
        // A concurrent request with the same key got there first.
        if (!(error instanceof UniqueConstraintError)) throw error;
        const winner = await existing(caller, key);
        if (!winner) throw error;
        return answerFor(winner, hash);
      }
      return {
        kind: 'first',
        record: async (started) => {
          await row.update({ workflowId: started.workflowId, runId: started.runId });
        },
        // The run was not started (refused input, Temporal down): the key may be used again.
        release: async () => {
          await row.destroy();
        },
      };
    },
  };
}

/**
 * Starts a run once per Idempotency-Key: the first request with a key starts it (through `start`)
 * and records the run; an identical request later answers that run without calling Temporal.
 * Without a key, or without a caller to scope it to, `start` runs as before (the business key
 * still makes a repeated start join the same run).
 */
export async function startOncePerKey<T extends StartedRunRef & { existing: boolean }>(
  store: RunRequestStore,
  principal: Principal | undefined,
  key: string | undefined,
  request: RunRequestBody,
  start: () => Promise<T>,
): Promise<T | (StartedRunRef & { existing: true; repeated: true })> {
  if (key === undefined || principal === undefined) return start();
  const claim = await store.claim(principal, key, request);
  if (claim.kind === 'repeat') return { ...claim.started, existing: true, repeated: true };
  let started: T;
  try {
    started = await start();
  } catch (error) {
    await claim.release();
    throw error;
  }
  await claim.record(started);
  return started;
}
