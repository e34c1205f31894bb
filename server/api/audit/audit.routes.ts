/**
 * /v1/audit: who changed what, when, with which outcome. Needs the `admin` scope.
 * Rows are written by auditMutations for every POST, PUT, PATCH and DELETE under /v1, refused
 * and failed ones included; reading the trail is not itself audited.
 */
import { Router } from 'express';
import type { ApiKeysService } from '../../auth/api-keys.service';
import { authorize } from '../middleware/authorize';
import { validate } from '../validate';
import type { AuditService } from './audit.service';
import { listAuditQuerySchema } from './audit.schemas';

export interface AuditRoutesDeps {
  audit: AuditService;
  keys: ApiKeysService;
}

export function auditRouter({ audit, keys }: AuditRoutesDeps): Router {
  const router = Router();

  router.get('/audit', authorize(keys, 'admin'), async (req, res) => {
    const { pageSize, pageToken, ...filter } = validate(listAuditQuerySchema, req.query, 'query');
    res.json(await audit.list(filter, { pageSize, ...(pageToken ? { pageToken } : {}) }));
  });

  return router;
}
