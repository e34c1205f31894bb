import { z } from 'zod';
import { FLOW_VERSION_STATUSES } from '../../db/models/flow-version.model';

/** A DSL document name: letters, digits and inner hyphens (a DNS label), as in `flow:<name>`. */
export const flowNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/, 'must be a flow name (letters, digits, inner hyphens)')
  .meta({ example: 'order-to-cash' });

/** A semantic version as `document.version` holds it. */
export const flowVersionSchema = z
  .string()
  .max(64)
  .regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/, 'must be a semantic version, e.g. 1.2.0')
  .meta({ example: '1.0.0' });

export const flowParamsSchema = z.object({ name: flowNameSchema });
export const flowVersionParamsSchema = z.object({ name: flowNameSchema, version: flowVersionSchema });

/** POST /v1/flows: `dryRun=true` validates and compares with what is stored, and stores nothing. */
export const publishQuerySchema = z
  .object({
    dryRun: z
      .enum(['true', 'false'])
      .optional()
      .transform((value) => value === 'true')
      .meta({ description: 'true: validate only (needs flows:read); nothing is stored.' }),
  })
  .strict();

export const flowStatusSchema = z.enum(FLOW_VERSION_STATUSES);

/** What POST /v1/flows reads: YAML or JSON text. */
export const FLOW_MEDIA_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
  'application/json',
  'application/*+json',
] as const;
