import { Router, type Request } from 'express';
import type { DeadLettersService } from '../../intake/dead-letters.service';
import type { ApiKeysService } from '../keys/api-keys.service';
import { auditAs, setAuditTarget } from '../middleware/audit';
import { authorize } from '../middleware/authorize';
import { jsonBody } from '../middleware/json-body';
import { validate } from '../validate';
import { inboxIdSchema, listDeadLettersQuerySchema, replayManyBodySchema } from './dead-letters.schemas';

export interface DeadLettersRoutesDeps {
  deadLetters: DeadLettersService;
  keys: ApiKeysService;
}

const idParam = (req: Request): string | undefined => {
  const value: unknown = req.params.id;
  return typeof value === 'string' ? value : undefined;
};

/**
 * /v1/dead-letters: events the intake gave up on. Reading needs `runs:read` (like a run's input,
 * an event holds business data); a replay makes runs happen, so it needs `runs:write` and is audited.
 */
export function deadLettersRouter({ deadLetters, keys }: DeadLettersRoutesDeps): Router {
  const router = Router();

  router.get('/dead-letters', authorize(keys, 'runs:read'), async (req, res) => {
    const query = validate(listDeadLettersQuerySchema, req.query, 'query');
    res.json(await deadLetters.list(query));
  });

  router.post('/dead-letters/replay', auditAs('deadLetters.replay'), authorize(keys, 'runs:write'), jsonBody(), async (req, res) => {
    const body = validate(replayManyBodySchema, req.body ?? {}, 'request body');
    const result = await deadLetters.replayMany(body);
    setAuditTarget(res, body.ids ? `ids:${body.ids.length}` : `filter:${body.source ?? '*'}/${body.reason ?? '*'}`, { replayed: result.replayed, ids: result.ids.slice(0, 100) });
    res.status(202).json(result);
  });

  router.get('/dead-letters/:id', authorize(keys, 'runs:read'), async (req, res) => {
    const id = validate(inboxIdSchema, req.params.id, 'dead letter id', 'id');
    res.json(await deadLetters.get(id));
  });

  router.post('/dead-letters/:id/replay', auditAs('deadLetters.replay', idParam), authorize(keys, 'runs:write'), async (req, res) => {
    const id = validate(inboxIdSchema, req.params.id, 'dead letter id', 'id');
    const result = await deadLetters.replay(id);
    setAuditTarget(res, id, { replayed: result.replayed });
    res.status(202).json(result);
  });

  return router;
}
