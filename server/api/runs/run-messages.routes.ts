import { Router, type Request } from 'express';
import type { ApiKeysService } from '../../auth/api-keys.service';
import { personOf } from '../../auth/scopes';
import { auditAs, setAuditTarget } from '../middleware/audit';
import { authorizeRuns, principalOf, processGuard } from '../middleware/authorize';
import { jsonBody } from '../middleware/json-body';
import { validate } from '../validate';
import type { RunMessagesService } from './run-messages.service';
import { messageNameSchema, workflowIdSchema } from './runs.schemas';

const workflowIdParam = (req: Request): string | undefined => {
  const value: unknown = req.params.workflowId;
  return typeof value === 'string' ? value : undefined;
};

function paramsOf(req: Request): { workflowId: string; name: string } {
  return {
    workflowId: validate(workflowIdSchema, req.params.workflowId, 'workflow id', 'workflowId'),
    name: validate(messageNameSchema, req.params.name, 'message name', 'name'),
  };
}

/** Signals, updates and queries of a run, as the catalog declares them for its process. */
export function runMessagesRouter({ messages, keys }: { messages: RunMessagesService; keys: ApiKeysService }): Router {
  const router = Router();

  router.post(
    '/runs/:workflowId/signals/:name',
    auditAs('runs.signal', workflowIdParam),
    authorizeRuns(keys, 'runs:write'),
    jsonBody(),
    async (req, res) => {
      const { workflowId, name } = paramsOf(req);
      // actsFor: the person a decision is taken as (the caller's actsAs or OIDC email), null for a system.
      setAuditTarget(res, workflowId, { signal: name, actsFor: personOf(principalOf(res)) });
      res
        .status(202)
        .json(
          await messages.signal(
            workflowId,
            name,
            req.body,
            processGuard(principalOf(res), 'runs:write'),
            principalOf(res),
          ),
        );
    },
  );

  router.post(
    '/runs/:workflowId/updates/:name',
    auditAs('runs.update', workflowIdParam),
    authorizeRuns(keys, 'runs:write'),
    jsonBody(),
    async (req, res) => {
      const { workflowId, name } = paramsOf(req);
      setAuditTarget(res, workflowId, { update: name, actsFor: personOf(principalOf(res)) });
      res.json(
        await messages.update(
          workflowId,
          name,
          req.body,
          processGuard(principalOf(res), 'runs:write'),
          principalOf(res),
        ),
      );
    },
  );

  router.get('/runs/:workflowId/queries/:name', authorizeRuns(keys, 'runs:read'), async (req, res) => {
    const { workflowId, name } = paramsOf(req);
    res.json(await messages.query(workflowId, name, processGuard(principalOf(res), 'runs:read')));
  });

  return router;
}
