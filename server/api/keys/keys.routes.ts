/**
 * /v1/keys: API keys. Every route needs the `admin` scope: a key that can mint keys
 * can grant itself anything. A new key is shown once, in the answer to its creation; listings
 * show its prefix, never its secret or hash. Revocation takes effect at the next request on every
 * replica (keys are read from the database on each request, with no cache).
 */
import { Router, type Request } from 'express';
import { AppError } from '../../errors/app-error';
import { auditAs, setAuditTarget } from '../middleware/audit';
import { authorize } from '../middleware/authorize';
import { jsonBody } from '../middleware/json-body';
import { validate } from '../validate';
import type { ApiKeysService } from '../../auth/api-keys.service';
import { keyLink, toCreatedKeyView, toKeyView } from './key-views';
import { createKeyBodySchema, expiryOf, keyIdSchema, listKeysQuerySchema } from './keys.schemas';

export interface KeysRoutesDeps {
  keys: ApiKeysService;
}

const idParam = (req: Request): string | undefined => {
  const value: unknown = req.params.id;
  return typeof value === 'string' ? value.slice(0, 40) : undefined;
};

function keyNotFound(id: number): AppError {
  return AppError.notFound(`No API key has id ${id}.`, 'key-not-found');
}

export function keysRouter({ keys }: KeysRoutesDeps): Router {
  const router = Router();
  const admin = authorize(keys, 'admin');
  const idOf = (req: Request): number => validate(keyIdSchema, req.params.id, 'key id', 'id');

  router.post('/keys', auditAs('keys.create'), admin, jsonBody(), async (req, res) => {
    const body = validate(createKeyBodySchema, req.body, 'request body');
    const expiresAt = expiryOf(body, new Date());
    const created = await keys.createKey({
      name: body.name,
      scopes: body.scopes,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(body.actsAs ? { actsAs: body.actsAs } : {}),
    });
    // The audit row names the key by id and prefix; the key itself goes to the caller only.
    setAuditTarget(res, String(created.id), {
      name: created.name,
      prefix: created.prefix,
      scopes: created.scopes,
      actsAs: created.actsAs,
      expiresAt: created.expiresAt?.toISOString() ?? null,
    });
    res.status(201).location(keyLink(created.id)).json(toCreatedKeyView(created));
  });

  router.get('/keys', admin, async (req, res) => {
    const query = validate(listKeysQuerySchema, req.query, 'query');
    const page = await keys.listKeysPage({
      pageSize: query.pageSize,
      ...(query.status ? { status: query.status } : {}),
      ...(query.pageToken ? { pageToken: query.pageToken } : {}),
    });
    res.json({ items: page.items.map(toKeyView), nextPageToken: page.nextPageToken });
  });

  router.get('/keys/:id', admin, async (req, res) => {
    const id = idOf(req);
    const key = await keys.getKey(id);
    if (!key) throw keyNotFound(id);
    res.json(toKeyView(key));
  });

  // POST …/revoke rather than DELETE: the key stays listed (revoked), so the audit trail keeps
  // naming it. A second revocation is a 409: the caller's view of the key was stale.
  router.post('/keys/:id/revoke', auditAs('keys.revoke', idParam), admin, async (req, res) => {
    const id = idOf(req);
    const revoked = await keys.revoke(id);
    if (!revoked) throw keyNotFound(id);
    setAuditTarget(res, String(id), {
      name: revoked.key.name,
      prefix: revoked.key.prefix,
      ...(revoked.alreadyRevoked ? { alreadyRevoked: true } : {}),
    });
    if (revoked.alreadyRevoked) {
      throw AppError.conflict(
        `API key ${id} was already revoked at ${revoked.key.revokedAt?.toISOString() ?? 'an earlier time'}.`,
        'key-already-revoked',
      );
    }
    res.json(toKeyView(revoked.key));
  });

  return router;
}
