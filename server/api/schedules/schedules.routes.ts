/**
 * /v1/schedules: Temporal Schedules that start catalog processes. Reads need
 * `runs:read` for the schedule's process, everything else `schedules:write`; every mutation is
 * audited with the schedule id. What makes a schedule start runs — create, replace, unpause,
 * trigger, backfill — needs the right to start its process too (`runs:write:<type>`), so
 * `schedules:write` alone never starts a process its key could not start. Pause and delete stop
 * runs and need `schedules:write` only.
 * The use cases, and what "managed by config" means for them, are in server/schedules/schedules.service.ts.
 */
import { Router, type Request, type Response } from 'express';
import { AppError } from '../../errors/app-error';
import type { ApiKeysService } from '../../auth/api-keys.service';
import { auditAs, setAuditTarget } from '../middleware/audit';
import {
  authorize,
  authorizeRuns,
  holdsEveryProcess,
  principalOf,
  processFilter,
  requireProcess,
  startGuards,
} from '../middleware/authorize';
import { jsonBody } from '../middleware/json-body';
import { validate } from '../validate';
import type { SchedulesService } from '../../schedules/schedules.service';
import { scheduleLink } from '../../schedules/schedule-views';
import {
  backfillBodySchema,
  createScheduleBodySchema,
  listSchedulesQuerySchema,
  scheduleIdSchema,
  scheduleReplaceSchema,
  stateChangeBodySchema,
  triggerBodySchema,
} from './schedules.schemas';

export interface SchedulesRoutesDeps {
  schedules: SchedulesService;
  keys: ApiKeysService;
}

const idParam = (req: Request): string | undefined => {
  const value: unknown = req.params.id;
  return typeof value === 'string' ? value : undefined;
};

export function schedulesRouter({ schedules, keys }: SchedulesRoutesDeps): Router {
  const router = Router();
  const read = authorizeRuns(keys, 'runs:read');
  const write = authorize(keys, 'schedules:write');
  const idOf = (req: Request): string => validate(scheduleIdSchema, req.params.id, 'schedule id', 'id');
  /** A spec's process must be one the caller may start, as for a run: the schedule starts runs of it. */
  const writeGuards = (res: Response) => startGuards(principalOf(res));
  /** Before an operation that starts runs of the existing schedule: the caller may start its process (one describe, for a key limited to processes only). */
  const mayStartRunsOf = async (res: Response, id: string): Promise<void> => {
    const principal = principalOf(res);
    if (!holdsEveryProcess(principal, 'runs:write'))
      requireProcess(principal, 'runs:write', (await schedules.get(id)).workflow);
  };
  // An empty body on these POSTs means "no options"; express.json leaves req.body undefined then.
  const optionsOf = (req: Request): unknown => req.body ?? {};

  router.get('/schedules', read, async (req, res) => {
    const query = validate(listSchedulesQuerySchema, req.query, 'query');
    const page = await schedules.list({
      pageSize: query.pageSize,
      ...(query.pageToken ? { pageToken: query.pageToken } : {}),
    });
    // A caller limited to processes sees their schedules only (a page may then hold fewer items; the token still pages on).
    const readable = processFilter(principalOf(res), 'runs:read');
    res.json({ ...page, items: page.items.filter((item) => readable(item.workflow)) });
  });

  router.post('/schedules', auditAs('schedules.create'), write, jsonBody(), async (req, res) => {
    const spec = validate(createScheduleBodySchema, req.body, 'request body');
    setAuditTarget(res, spec.id, { workflow: spec.workflow });
    const view = await schedules.create(spec, writeGuards(res));
    res.status(201).location(scheduleLink(spec.id)).json(view);
  });

  router.get('/schedules/:id', read, async (req, res) => {
    const view = await schedules.get(idOf(req));
    requireProcess(principalOf(res), 'runs:read', view.workflow);
    res.json(view);
  });

  router.put('/schedules/:id', auditAs('schedules.replace', idParam), write, jsonBody(), async (req, res) => {
    const id = idOf(req);
    const { id: bodyId, ...body } = validate(scheduleReplaceSchema, req.body, 'request body');
    if (bodyId !== undefined && bodyId !== id) {
      throw AppError.validation('The request body is invalid.', [
        { field: 'id', message: `must equal the id in the path ("${id}") or be omitted` },
      ]);
    }
    setAuditTarget(res, id, { workflow: body.workflow });
    res.json(await schedules.replace(id, body, writeGuards(res)));
  });

  router.delete('/schedules/:id', auditAs('schedules.delete', idParam), write, async (req, res) => {
    await schedules.remove(idOf(req));
    res.status(204).end();
  });

  router.post('/schedules/:id/pause', auditAs('schedules.pause', idParam), write, jsonBody(), async (req, res) => {
    const id = idOf(req);
    const { note } = validate(stateChangeBodySchema, optionsOf(req), 'request body');
    res.json(await schedules.pause(id, note));
  });

  router.post('/schedules/:id/unpause', auditAs('schedules.unpause', idParam), write, jsonBody(), async (req, res) => {
    const id = idOf(req);
    const { note } = validate(stateChangeBodySchema, optionsOf(req), 'request body');
    await mayStartRunsOf(res, id);
    res.json(await schedules.unpause(id, note));
  });

  router.post('/schedules/:id/trigger', auditAs('schedules.trigger', idParam), write, jsonBody(), async (req, res) => {
    const id = idOf(req);
    const { overlap } = validate(triggerBodySchema, optionsOf(req), 'request body');
    await mayStartRunsOf(res, id);
    const accepted = await schedules.trigger(id, overlap);
    setAuditTarget(res, id, { overlap: accepted.overlap });
    res.status(202).json(accepted);
  });

  router.post(
    '/schedules/:id/backfill',
    auditAs('schedules.backfill', idParam),
    write,
    jsonBody(),
    async (req, res) => {
      const id = idOf(req);
      const body = validate(backfillBodySchema, req.body, 'request body');
      await mayStartRunsOf(res, id);
      const accepted = await schedules.backfill(id, {
        from: body.from,
        to: body.to,
        ...(body.overlap ? { overlap: body.overlap } : {}),
      });
      setAuditTarget(res, id, { from: accepted.from, to: accepted.to, actions: accepted.actions });
      res.status(202).json(accepted);
    },
  );

  return router;
}
