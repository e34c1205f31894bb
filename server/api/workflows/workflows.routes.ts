import { Router } from 'express';
import { z } from 'zod';
import type { MessageDefinition, ProcessDefinition } from '../../../workflows/catalog';
import type { ProcessResolver } from '../../processes/process-resolver';
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
  /** Flows only: the version a run starts by default and the versions a run may name. */
  flow?: { name: string; version: string; versions: string[] };
}

function describeMessages(messages: readonly MessageDefinition[]): CatalogMessage[] {
  return messages.map((message) => ({
    name: message.name,
    description: message.description,
    inputSchema: message.inputSchema ? z.toJSONSchema(message.inputSchema, { io: 'input' }) : null,
  }));
}

// A code process never changes while the process runs: its JSON Schemas are converted once.
const described = new WeakMap<ProcessDefinition, CatalogEntry>();

export function describeProcess(process: ProcessDefinition): CatalogEntry {
  const known = described.get(process);
  if (known) return known;
  const entry: CatalogEntry = {
    type: process.type,
    description: process.description,
    // As callers write it: fields with defaults are optional. A flow serves its own JSON Schema.
    inputSchema: process.inputJsonSchema ?? z.toJSONSchema(process.inputSchema, { io: 'input' }),
    queries: describeMessages(process.queries),
    signals: describeMessages(process.signals),
    updates: describeMessages(process.updates),
    infrastructureFields: infrastructureFieldsOf(process),
    ...(process.flow
      ? {
          flow: {
            name: process.flow.name,
            version: process.flow.version,
            versions: [...process.flow.startableVersions],
          },
        }
      : {}),
  };
  described.set(process, entry);
  return entry;
}

export function describeCatalog(catalog: readonly ProcessDefinition[]): CatalogEntry[] {
  return catalog.map(describeProcess);
}

/**
 * GET /v1/workflows: what can be started, with JSON Schemas of the inputs and of each message:
 * the code processes and every flow with a published version (`flow:<name>`).
 * Any runs read scope reads it; a caller limited to processes sees those it may read.
 */
export function workflowsRouter({ keys, processes }: { keys: ApiKeysService; processes: ProcessResolver }): Router {
  const router = Router();
  router.get('/workflows', authorizeRuns(keys, 'runs:read'), async (_req, res) => {
    const readable = processFilter(principalOf(res), 'runs:read');
    const items = describeCatalog(await processes.list());
    res.json({ items: items.filter((entry) => readable(entry.type)) });
  });
  return router;
}
