import { Router } from 'express';
import { z } from 'zod';
import type { MessageDefinition, ProcessDefinition } from '../../../workflows/catalog';
import type { ApiKeysService } from '../../auth/api-keys.service';
import { infrastructureFieldsOf } from '../../runs/infrastructure-fields';
import { authorizeRuns, principalOf, processFilter } from '../middleware/authorize';

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
  /** Input fields that choose infrastructure: setting them needs the `runs:infrastructure` scope. */
  infrastructureFields: string[];
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
    infrastructureFields: infrastructureFieldsOf(process),
  }));
}

/**
 * GET /v1/workflows: what can be started, with JSON Schemas of the inputs and of each message.
 * Any runs read scope reads it; a caller limited to processes sees those it may read.
 */
export function workflowsRouter({
  keys,
  catalog,
}: {
  keys: ApiKeysService;
  catalog: readonly ProcessDefinition[];
}): Router {
  const router = Router();
  // The catalog is fixed for the life of the process: convert the schemas once.
  const body = { items: describeCatalog(catalog) };
  router.get('/workflows', authorizeRuns(keys, 'runs:read'), (_req, res) => {
    const readable = processFilter(principalOf(res), 'runs:read');
    res.json({ items: body.items.filter((entry) => readable(entry.type)) });
  });
  return router;
}
