/**
 * /v1/connectors: connector instances. Every route, reads included, needs the
 * `connectors:write` scope (or `admin`): instance settings name the business systems, accounts
 * and endpoints Junction talks to, which a `runs:read` dashboard key has no business seeing.
 * Credentials are write-only: responses carry their field names, never their values.
 */
import { Router, type Request } from 'express';
import type { ApiKeysService } from '../../auth/api-keys.service';
import { auditAs, setAuditTarget } from '../middleware/audit';
import { authorize } from '../middleware/authorize';
import { jsonBody } from '../middleware/json-body';
import { validate } from '../validate';
import { connectorLink } from './connector-views';
import type { ConnectorsService, SavedConnector } from './connectors.service';
import {
  connectorNameSchema,
  createConnectorBodySchema,
  listConnectorsQuerySchema,
  patchConnectorBodySchema,
  replaceConnectorBodySchema,
} from './connectors.schemas';
import { AppError } from '../../errors/app-error';

export interface ConnectorsRoutesDeps {
  connectors: ConnectorsService;
  keys: ApiKeysService;
}

const nameParam = (req: Request): string | undefined => {
  const value: unknown = req.params.name;
  return typeof value === 'string' ? value : undefined;
};

function auditDetails(saved: SavedConnector): Record<string, unknown> {
  return {
    kind: saved.view.kind,
    vendor: saved.view.vendor,
    credentials: saved.credentials,
    ...(saved.destinationsChanged.length ? { destinationsChanged: saved.destinationsChanged } : {}),
  };
}

export function connectorsRouter({ connectors, keys }: ConnectorsRoutesDeps): Router {
  const router = Router();
  const scope = authorize(keys, 'connectors:write');
  const nameOf = (req: Request): string => validate(connectorNameSchema, req.params.name, 'connector name', 'name');

  router.get('/connectors', scope, async (req, res) => {
    const query = validate(listConnectorsQuerySchema, req.query, 'query');
    const after = query.pageToken === undefined ? null : Buffer.from(query.pageToken, 'base64url').toString('utf8');
    if (after !== null && !connectorNameSchema.safeParse(after).success) {
      throw AppError.validation('The page token is invalid.', [
        { field: 'pageToken', message: 'must be a nextPageToken returned by a previous page' },
      ]);
    }
    // Names are unique and the list is in name order: the last name shown is the cursor.
    const all = await connectors.list();
    const rest = after === null ? all : all.filter((view) => view.name > after);
    const items = rest.slice(0, query.pageSize);
    const last = items.at(-1);
    res.json({
      items,
      nextPageToken: rest.length > items.length && last ? Buffer.from(last.name, 'utf8').toString('base64url') : null,
    });
  });

  router.post('/connectors', auditAs('connectors.create'), scope, jsonBody(), async (req, res) => {
    const body = validate(createConnectorBodySchema, req.body, 'request body');
    setAuditTarget(res, body.name);
    const saved = await connectors.create(body);
    setAuditTarget(res, body.name, auditDetails(saved));
    res.status(201).location(connectorLink(body.name)).json(saved.view);
  });

  router.get('/connectors/:name', scope, async (req, res) => {
    res.json(await connectors.get(nameOf(req)));
  });

  router.put('/connectors/:name', auditAs('connectors.replace', nameParam), scope, jsonBody(), async (req, res) => {
    const name = nameOf(req);
    const body = validate(replaceConnectorBodySchema, req.body, 'request body');
    const saved = await connectors.replace(name, body);
    setAuditTarget(res, name, { ...auditDetails(saved), ...(saved.created ? { created: true } : {}) });
    if (saved.created) res.status(201).location(connectorLink(name));
    res.json(saved.view);
  });

  router.patch('/connectors/:name', auditAs('connectors.update', nameParam), scope, jsonBody(), async (req, res) => {
    const name = nameOf(req);
    const body = validate(patchConnectorBodySchema, req.body, 'request body');
    const saved = await connectors.update(name, body);
    setAuditTarget(res, name, auditDetails(saved));
    res.json(saved.view);
  });

  router.delete('/connectors/:name', auditAs('connectors.delete', nameParam), scope, async (req, res) => {
    const name = nameOf(req);
    const { fallback } = await connectors.remove(name);
    if (fallback) setAuditTarget(res, name, { fallback });
    res.status(204).end();
  });

  router.post('/connectors/:name/test', auditAs('connectors.test', nameParam), scope, async (req, res) => {
    const name = nameOf(req);
    const result = await connectors.test(name);
    setAuditTarget(res, name, { ok: result.ok, ...(result.ok ? {} : { code: result.error.code }) });
    res.json(result);
  });

  return router;
}
