/**
 * /v1/flows: publish Serverless Workflow flows as immutable versions, read them, deprecate and
 * retire them. Reads need `flows:read` (or `flows:write`), writes `flows:write`, a dry run
 * (`?dryRun=true`, the CLI's `flows validate`) `flows:read`; admin does all. Every POST is
 * audited with `<name>@<version>` as its target. Use cases and status semantics:
 * server/flows/store/flows.service.ts.
 */
import { Router, type Request } from 'express';
import type { ApiKeysService } from '../../auth/api-keys.service';
import { grants } from '../../auth/scopes';
import { flowNotFound, flowVersionNotFound } from '../../flows/store/flow-problems';
import type { FlowsService, StatusChange } from '../../flows/store/flows.service';
import { actorOf } from '../auth/principal';
import { auditAs, setAuditTarget } from '../middleware/audit';
import { authorize, lacksScope, principalOf } from '../middleware/authorize';
import { validate } from '../validate';
import { flowBody } from './flow-body';
import { flowParamsSchema, flowVersionParamsSchema, publishQuerySchema } from './flows.schemas';
import {
  flowVersionLink,
  toFlowSummaries,
  toFlowVersionDetailView,
  toFlowVersionView,
  toPublishView,
} from './flow-views';

export interface FlowsRoutesDeps {
  flows: FlowsService;
  keys: ApiKeysService;
}

const versionTarget = (req: Request): string | undefined => {
  const { name, version } = req.params as Record<string, unknown>;
  return typeof name === 'string' && typeof version === 'string' ? `${name}@${version}`.slice(0, 255) : undefined;
};

export function flowsRouter({ flows, keys }: FlowsRoutesDeps): Router {
  const router = Router();
  const read = authorize(keys, 'flows:read');
  const write = authorize(keys, 'flows:write');

  router.post('/flows', auditAs('flows.publish'), authorize(keys, null), flowBody(), async (req, res) => {
    const { dryRun } = validate(publishQuerySchema, req.query, 'query');
    const principal = principalOf(res);
    const needed = dryRun ? 'flows:read' : 'flows:write';
    if (!grants(principal.scopes, needed)) throw lacksScope(principal, needed);
    if (dryRun) res.locals.audit = { action: 'flows.validate', target: null, details: {} };
    const outcome = await flows.publish({
      text: req.body as string,
      mediaType: req.get('content-type') ?? 'application/yaml',
      actor: actorOf(principal),
      dryRun,
    });
    setAuditTarget(res, `${outcome.name}@${outcome.version}`, {
      outcome: outcome.outcome,
      contentHash: outcome.contentHash,
    });
    const view = toPublishView(outcome);
    if (outcome.outcome === 'created')
      res.status(201).location(flowVersionLink(outcome.name, outcome.version)).json(view);
    else res.status(200).json(view);
  });

  router.get('/flows', read, async (_req, res) => {
    res.json({ items: toFlowSummaries(await flows.listVersions()) });
  });

  router.get('/flows/:name/versions', read, async (req, res) => {
    const { name } = validate(flowParamsSchema, req.params, 'path');
    const versions = await flows.listVersions(name);
    if (versions.length === 0) throw flowNotFound(name);
    res.json({ items: versions.map(toFlowVersionView) });
  });

  router.get('/flows/:name/versions/:version', read, async (req, res) => {
    const { name, version } = validate(flowVersionParamsSchema, req.params, 'path');
    const record = await flows.findVersion(name, version);
    if (!record) throw flowVersionNotFound(name, version);
    res.json(toFlowVersionDetailView(record));
  });

  const statusRoute = (change: StatusChange) =>
    router.post(
      `/flows/:name/versions/:version/${change}`,
      auditAs(`flows.${change}`, versionTarget),
      write,
      async (req, res) => {
        const { name, version } = validate(flowVersionParamsSchema, req.params, 'path');
        const record = await flows.changeStatus(name, version, change, actorOf(principalOf(res)));
        setAuditTarget(res, `${name}@${version}`, { status: record.status });
        res.json(toFlowVersionView(record));
      },
    );
  statusRoute('deprecate');
  statusRoute('retire');

  return router;
}
