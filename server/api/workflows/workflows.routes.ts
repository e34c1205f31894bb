import { Router } from 'express';
import { z } from 'zod';
import type { ProcessDefinition } from '../../../workflows/catalog';
import type { ApiKeysService } from '../keys/api-keys.service';
import { authorize } from '../middleware/authorize';

export interface CatalogEntry {
  type: string;
  description: string;
  inputSchema: unknown;
  queries: readonly string[];
  signals: readonly string[];
}

export function describeCatalog(catalog: readonly ProcessDefinition[]): CatalogEntry[] {
  return catalog.map((process) => ({
    type: process.type,
    description: process.description,
    inputSchema: z.toJSONSchema(process.inputSchema),
    queries: process.queries,
    signals: process.signals,
  }));
}

/** GET /v1/workflows: what can be started, with JSON Schemas of the inputs. */
export function workflowsRouter({ keys, catalog }: { keys: ApiKeysService; catalog: readonly ProcessDefinition[] }): Router {
  const router = Router();
  // The catalog is fixed for the life of the process: convert the schemas once.
  const body = { items: describeCatalog(catalog) };
  router.get('/workflows', authorize(keys, 'runs:read'), (_req, res) => {
    res.json(body);
  });
  return router;
}
