import { Router } from 'express';
import { z } from 'zod';
import type { MessageDefinition, ProcessDefinition } from '../../../workflows/catalog';
import type { ApiKeysService } from '../keys/api-keys.service';
import { authorize } from '../middleware/authorize';

export interface CatalogMessage {
  name: string;
  description: string;
  /** JSON Schema of the message's argument; null when it takes none. */
  inputSchema: unknown;
}

export interface CatalogEntry {
  type: string;
  description: string;
  inputSchema: unknown;
  queries: CatalogMessage[];
  signals: CatalogMessage[];
  updates: CatalogMessage[];
}

function describeMessages(messages: readonly MessageDefinition[]): CatalogMessage[] {
  return messages.map((message) => ({
    name: message.name,
    description: message.description,
    inputSchema: message.inputSchema ? z.toJSONSchema(message.inputSchema, { io: 'input' }) : null,
  }));
}

export function describeCatalog(catalog: readonly ProcessDefinition[]): CatalogEntry[] {
  return catalog.map((process) => ({
    type: process.type,
    description: process.description,
    // As callers write it: fields with defaults are optional.
    inputSchema: z.toJSONSchema(process.inputSchema, { io: 'input' }),
    queries: describeMessages(process.queries),
    signals: describeMessages(process.signals),
    updates: describeMessages(process.updates),
  }));
}

/** GET /v1/workflows: what can be started, with JSON Schemas of the inputs and of each message. */
export function workflowsRouter({ keys, catalog }: { keys: ApiKeysService; catalog: readonly ProcessDefinition[] }): Router {
  const router = Router();
  // The catalog is fixed for the life of the process: convert the schemas once.
  const body = { items: describeCatalog(catalog) };
  router.get('/workflows', authorize(keys, 'runs:read'), (_req, res) => {
    res.json(body);
  });
  return router;
}
