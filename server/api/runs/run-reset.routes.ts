import { Router, type Request } from 'express';
import type { ApiKeysService } from '../../auth/api-keys.service';
import type { RunResetService } from '../../repair/run-reset.service';
import type { ResetTarget } from '../../repair/reset-point';
import { runLink } from '../../runs/run-views';
import { auditAs, setAuditTarget } from '../middleware/audit';
import { authorize } from '../middleware/authorize';
import { jsonBody } from '../middleware/json-body';
import { validate } from '../validate';
import { resetBodySchema, workflowIdSchema } from './runs.schemas';

const workflowIdParam = (req: Request): string | undefined => {
  const value: unknown = req.params.workflowId;
  return typeof value === 'string' ? value : undefined;
};

/** POST /v1/runs/:workflowId/reset: one failed run to a step (server/repair/). */
export function runResetRouter({ reset, keys }: { reset: RunResetService; keys: ApiKeysService }): Router {
  const router = Router();

  router.post(
    '/runs/:workflowId/reset',
    auditAs('runs.reset', workflowIdParam),
    authorize(keys, 'runs:reset'),
    jsonBody(),
    async (req, res) => {
      const workflowId = validate(workflowIdSchema, req.params.workflowId, 'workflow id', 'workflowId');
      const body = validate(resetBodySchema, req.body, 'request body');
      const target: ResetTarget = body.toStep !== undefined ? { toStep: body.toStep } : { to: body.to ?? 'start' };
      setAuditTarget(res, workflowId, { reason: body.reason, target });
      const outcome = await reset.reset({ workflowId, target, reason: body.reason });
      setAuditTarget(res, workflowId, { runId: outcome.runId, resetFrom: outcome.resetFrom });
      res
        .status(202)
        .location(runLink(workflowId))
        .json({ ...outcome, links: { self: runLink(workflowId) } });
    },
  );

  return router;
}
