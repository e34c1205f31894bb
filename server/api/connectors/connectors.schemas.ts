import { z } from 'zod';
import { CONNECTOR_KINDS, instanceNameSchema, kindOfInstanceName } from '../../../connectors/registry/instance-name';

export const connectorNameSchema = instanceNameSchema;

/** Free-form here; the vendor's settingsSchema checks them in the service. */
const settings = z.record(z.string(), z.unknown());
/** Write-only: replaced as a whole, or cleared with null. The vendor's credentialsSchema checks them. */
const credentials = z.record(z.string().min(1).max(100), z.unknown()).nullable();
const kind = z.enum(CONNECTOR_KINDS);
const vendor = z.string().min(1).max(60);

const kindMatchesName = (
  body: { name?: string | undefined; kind?: string | undefined },
  ctx: z.RefinementCtx,
): void => {
  if (body.name === undefined || body.kind === undefined) return;
  const prefix = kindOfInstanceName(body.name);
  if (prefix !== null && prefix !== body.kind)
    ctx.addIssue({ code: 'custom', path: ['kind'], message: `must match the name's prefix (${prefix})` });
};

/** POST /v1/connectors */
export const createConnectorBodySchema = z
  .strictObject({
    name: instanceNameSchema,
    kind,
    vendor,
    settings: settings.default({}),
    credentials: credentials.optional(),
    enabled: z.boolean().default(true),
  })
  .superRefine(kindMatchesName);

/** PUT /v1/connectors/:name — the whole definition; omitted credentials are kept. */
export const replaceConnectorBodySchema = z.strictObject({
  /** Optional; when given, must equal the path's name. */
  name: instanceNameSchema.optional(),
  kind,
  vendor,
  settings: settings.default({}),
  credentials: credentials.optional(),
  enabled: z.boolean().default(true),
});

/** PATCH /v1/connectors/:name — settings as a JSON merge patch (RFC 7396); credentials replace or clear. */
export const patchConnectorBodySchema = z.strictObject({
  kind: kind.optional(),
  vendor: vendor.optional(),
  settings: settings.optional(),
  credentials: credentials.optional(),
  enabled: z.boolean().optional(),
});

export type CreateConnectorBody = z.infer<typeof createConnectorBodySchema>;
export type ReplaceConnectorBody = z.infer<typeof replaceConnectorBodySchema>;
export type PatchConnectorBody = z.infer<typeof patchConnectorBodySchema>;

/** GET /v1/connectors: instances in name order; the token is the last name of the previous page. */
export const listConnectorsQuerySchema = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  pageToken: z
    .string()
    .max(400)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextPageToken returned by a previous page')
    .optional()
    .meta({ description: 'The nextPageToken of the previous page.' }),
});
