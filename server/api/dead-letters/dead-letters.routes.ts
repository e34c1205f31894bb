import { Router, type Request, type Response } from 'express';
import type { DeadLettersService } from '../../intake/dead-letters.service';
import { AppError } from '../../errors/app-error';
import type { ApiKeysService } from '../../auth/api-keys.service';
import { auditAs, setAuditTarget } from '../middleware/audit';
import {
  authorizeRuns,
  holdsEveryProcess,
  lacksScope,
  principalOf,
  processFilter,
  requireProcess,
} from '../middleware/authorize';
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
 * /v1/dead-letters: events the intake gave up on. Reading needs `runs:read` for the dead letter's
 * process (like a run's input, an event holds business data); a replay makes runs happen, so it
 * needs `runs:write` for it and is audited. A key limited to processes replays by id: a filter
 * may match dead letters of any process.
 */
export function deadLettersRouter({ deadLetters, keys }: DeadLettersRoutesDeps): Router {
  const router = Router();

  /** The ids (still dead) whose process the caller may write; 403 naming the scope for the first it may not. */
  async function writableIds(res: Response, ids: readonly string[]): Promise<string[]> {
    const principal = principalOf(res);
    const dead: string[] = [];
    for (const id of ids) {
      const letter = await deadLetters.get(id).catch((error: unknown) => {
        // Gone or no longer dead: replayMany would skip it too.
        if (error instanceof AppError && (error.status === 404 || error.status === 409)) return null;
        throw error;
      });
      if (!letter) continue;
      requireProcess(principal, 'runs:write', letter.workflowType);
      dead.push(id);
    }
    return dead;
  }

  router.get('/dead-letters', authorizeRuns(keys, 'runs:read'), async (req, res) => {
    const query = validate(listDeadLettersQuerySchema, req.query, 'query');
    const page = await deadLetters.list(query);
    // A caller limited to processes sees their dead letters only (a page may then hold fewer items; the token still pages on).
    const readable = processFilter(principalOf(res), 'runs:read');
    res.json({ ...page, items: page.items.filter((item) => readable(item.workflowType)) });
  });

  router.post(
    '/dead-letters/replay',
    auditAs('deadLetters.replay'),
    authorizeRuns(keys, 'runs:write'),
    jsonBody(),
    async (req, res) => {
      const requested = validate(replayManyBodySchema, req.body ?? {}, 'request body');
      let body = requested;
      if (!holdsEveryProcess(principalOf(res), 'runs:write')) {
        if (!requested.ids)
          throw lacksScope(
            principalOf(res),
            'runs:write',
            'replaying by filter may reach any process; a key limited to processes names the dead letters (ids).',
          );
        body = { ...requested, ids: await writableIds(res, requested.ids.slice(0, requested.limit)) };
      }
      const result = body.ids?.length === 0 ? { replayed: 0, ids: [] } : await deadLetters.replayMany(body);
      setAuditTarget(res, body.ids ? `ids:${body.ids.length}` : `filter:${body.source ?? '*'}/${body.reason ?? '*'}`, {
        replayed: result.replayed,
        ids: result.ids.slice(0, 100),
      });
      res.status(202).json(result);
    },
  );

  router.get('/dead-letters/:id', authorizeRuns(keys, 'runs:read'), async (req, res) => {
    const id = validate(inboxIdSchema, req.params.id, 'dead letter id', 'id');
    const letter = await deadLetters.get(id);
    requireProcess(principalOf(res), 'runs:read', letter.workflowType);
    res.json(letter);
  });

  router.post(
    '/dead-letters/:id/replay',
    auditAs('deadLetters.replay', idParam),
    authorizeRuns(keys, 'runs:write'),
    async (req, res) => {
      const id = validate(inboxIdSchema, req.params.id, 'dead letter id', 'id');
      if (!holdsEveryProcess(principalOf(res), 'runs:write'))
        requireProcess(principalOf(res), 'runs:write', (await deadLetters.get(id)).workflowType);
      const result = await deadLetters.replay(id);
      setAuditTarget(res, id, { replayed: result.replayed });
      res.status(202).json(result);
    },
  );

  return router;
}
