import { Router, type Request } from 'express';
import type { ProcessResolver } from '../../processes/process-resolver';
import { AppError } from '../../errors/app-error';
import type { ApiKeysService } from '../../auth/api-keys.service';
import { auditAs, setAuditTarget } from '../middleware/audit';
import {
  authorize,
  authorizeRuns,
  principalOf,
  processGuard,
  requireProcess,
  startGuards,
} from '../middleware/authorize';
import { jsonBody } from '../middleware/json-body';
import { countRunStarted } from '../middleware/http-metrics';
import { validate } from '../validate';
import { runLink } from '../../runs/run-views';
import type { RunsService } from './runs.service';
import { startOncePerKey, type RunRequestStore } from './run-requests';
import {
  historyQuerySchema,
  idempotencyKeySchema,
  listRunsQuerySchema,
  startRunBodySchema,
  terminateBodySchema,
  workflowIdSchema,
} from './runs.schemas';
import type { RunHistoryService } from './run-history.service';
import { grants, processesGranted } from '../../auth/scopes';

export interface RunsRoutesDeps {
  runs: RunsService;
  /** Remembers each caller's Idempotency-Keys with the request they came with. */
  requests: RunRequestStore;
  history: RunHistoryService;
  keys: ApiKeysService;
  processes: ProcessResolver;
}

/**
 * A run's input may be larger than other bodies (a fan-out to 10,000 recipients is ~0.5 MB); it
 * stays below Temporal's 2 MB payload limit.
 */
export const START_RUN_BODY_LIMIT = '1mb';

const workflowIdParam = (req: Request): string | undefined => {
  const value: unknown = req.params.workflowId;
  return typeof value === 'string' ? value : undefined;
};

/** /v1/runs: thin handlers that validate, call the runs service, and shape the response. */
export function runsRouter({ runs, requests, history, keys, processes }: RunsRoutesDeps): Router {
  const router = Router();

  router.post(
    '/runs',
    auditAs('runs.start'),
    authorizeRuns(keys, 'runs:write'),
    jsonBody(START_RUN_BODY_LIMIT),
    async (req, res) => {
      const body = validate(startRunBodySchema, req.body, 'request body');
      const principal = principalOf(res);
      const headerKey = req.get('idempotency-key');
      const idempotencyKey =
        headerKey === undefined
          ? undefined
          : validate(idempotencyKeySchema, headerKey, 'Idempotency-Key header', 'Idempotency-Key');
      const started = await startOncePerKey(requests, principal, idempotencyKey, body, () =>
        runs.startRun(body, startGuards(principal)),
      );
      if (!started.existing) countRunStarted(res, body.type);
      setAuditTarget(res, started.workflowId, {
        type: body.type,
        ...('flowVersion' in started && started.flowVersion ? { flowVersion: started.flowVersion } : {}),
        runId: started.runId,
        ...(started.existing ? { existing: true } : {}),
        ...(idempotencyKey ? { idempotencyKey } : {}),
        ...('repeated' in started ? { repeatedIdempotencyKey: true } : {}),
      });
      const self = runLink(started.workflowId);
      res
        .status(202)
        .location(self)
        .json({
          workflowId: started.workflowId,
          runId: started.runId,
          ...(started.existing ? { existing: true } : {}),
          links: { self },
        });
    },
  );

  router.get('/runs', authorizeRuns(keys, 'runs:read'), async (req, res) => {
    const query = validate(listRunsQuerySchema, req.query, 'query');
    if (query.type && !(await processes.isKnownType(query.type))) {
      throw AppError.validation('The query is invalid.', [
        { field: 'type', message: `unknown workflow type "${query.type}"` },
      ]);
    }
    // A caller limited to processes sees their runs only: a type outside them is refused, no type lists them all.
    const readable = processesGranted(principalOf(res).scopes, 'runs:read');
    if (query.type) requireProcess(principalOf(res), 'runs:read', query.type);
    if (query.query && !grants(res.locals.principal?.scopes ?? [], 'admin')) {
      throw AppError.forbidden(
        'A raw visibility query (query=) needs the "admin" scope; use the type, status, businessKey and time filters.',
      );
    }
    const page = await runs.listRuns({
      ...(query.startedAfter ? { startedAfter: new Date(query.startedAfter).toISOString() } : {}),
      ...(query.startedBefore ? { startedBefore: new Date(query.startedBefore).toISOString() } : {}),
      ...(query.query ? { rawQuery: query.query } : {}),
      ...(query.type ? { type: query.type } : readable === 'all' ? {} : { types: readable }),
      ...(query.status ? { status: query.status } : {}),
      ...(query.businessKey ? { businessKey: query.businessKey } : {}),
      pageSize: query.pageSize,
      ...(query.pageToken ? { pageToken: query.pageToken } : {}),
    });
    res.json(page);
  });

  router.get('/runs/:workflowId', authorizeRuns(keys, 'runs:read'), async (req, res) => {
    const workflowId = validate(workflowIdSchema, req.params.workflowId, 'workflow id', 'workflowId');
    res.json(await runs.getRun(workflowId, processGuard(principalOf(res), 'runs:read')));
  });

  router.get('/runs/:workflowId/history', authorizeRuns(keys, 'runs:read'), async (req, res) => {
    const workflowId = validate(workflowIdSchema, req.params.workflowId, 'workflow id', 'workflowId');
    const query = validate(historyQuerySchema, req.query, 'query');
    res.json(
      await history.history(workflowId, query.pageSize, query.pageToken, processGuard(principalOf(res), 'runs:read')),
    );
  });

  // Termination skips the saga's compensation, so it is an admin's tool, not a business system's.
  router.post(
    '/runs/:workflowId/terminate',
    auditAs('runs.terminate', workflowIdParam),
    authorize(keys, 'admin'),
    jsonBody(),
    async (req, res) => {
      const workflowId = validate(workflowIdSchema, req.params.workflowId, 'workflow id', 'workflowId');
      const body = validate(terminateBodySchema, req.body, 'request body');
      setAuditTarget(res, workflowId, { reason: body.reason });
      res.status(202).json(await runs.terminateRun(workflowId, body.reason));
    },
  );

  router.post(
    '/runs/:workflowId/cancel',
    auditAs('runs.cancel', workflowIdParam),
    authorizeRuns(keys, 'runs:write'),
    async (req, res) => {
      const workflowId = validate(workflowIdSchema, req.params.workflowId, 'workflow id', 'workflowId');
      res.status(202).json(await runs.cancelRun(workflowId, processGuard(principalOf(res), 'runs:write')));
    },
  );

  return router;
}
