/**
 * The shape of config/event-sources.yaml (EVENT_SOURCES_FILE), as written; event-sources-file.ts
 * resolves it against the environment and the process catalog.
 */
import { z } from 'zod';

/** A source name is the last segment of `POST /v1/events/<name>` and the inbox's `source` column (60 chars). */
export const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]{0,59}$/;
const ENV_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const LITERAL_SECRET = 'must be an ${ENV_VAR} reference: literal secrets are not allowed in this file';
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const BODY_LIMIT = /^(\d+)\s*(b|kb|mb)$/i;
export const MAX_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

const secretReference = z.string().regex(ENV_REFERENCE, LITERAL_SECRET);
/** One reference, or several while a secret is rotated (any of them verifies). */
const secrets = z.union([secretReference, z.array(secretReference).min(1)]);
const headerName = z.string().regex(HEADER_NAME, 'must be an HTTP header name');

const hmacSignature = z.strictObject({
  scheme: z.literal('hmac-sha256'),
  header: headerName,
  encoding: z.enum(['base64', 'hex']).default('base64'),
  prefix: z.string().default(''),
  secret: secrets,
});
const stripeSignature = z.strictObject({
  scheme: z.literal('stripe'),
  header: headerName.default('Stripe-Signature'),
  toleranceSeconds: z.number().int().min(1).max(86_400).default(300),
  secret: secrets,
});
const sharedSecretSignature = z.strictObject({
  scheme: z.literal('shared-secret'),
  header: headerName,
  prefix: z.string().default(''),
  secret: secrets,
});

/**
 * `path` reads the id from the signed body. `header` reads a header no scheme here signs, so the
 * loader refuses it unless `trustUnsignedHeader: true` says the operator accepts that a replayed
 * body with a new id is a new event (event-sources-file.ts).
 */
const eventIdLocation = z.union([
  z.strictObject({ header: headerName, trustUnsignedHeader: z.boolean().optional() }),
  /** A path, or a jq expression `${ … }` over the signed body (event-jq-mapping.ts). */
  z.strictObject({ path: z.string().min(1) }),
]);

/** A path into the event, or a jq mapping of it: an expression `${ … }`, or an object whose values may be expressions. */
const pathOrMapping = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

const processMapping = z.strictObject({
  /** A workflow type of the catalog (GET /v1/workflows). */
  type: z.string().min(1),
  mode: z.enum(['start', 'signal', 'signalWithStart', 'update']),
  /**
   * Path (or jq expression) of the business key in the event. Required for signal and update; for
   * start and signalWithStart, absent means the business key the process derives from the input.
   */
  businessKey: z.string().min(1).optional(),
  /** Path or jq mapping of the workflow input; `$` is the whole event (the default). start and signalWithStart. */
  input: pathOrMapping.optional(),
  /** A signal the process declares. signal and signalWithStart. */
  signal: z.string().min(1).optional(),
  /** An update the process declares. update. */
  update: z.string().min(1).optional(),
  /** Path or jq mapping of the signal's or update's argument; `$` is the whole event (the default). */
  argument: pathOrMapping.optional(),
  /** The workflow id of the run a signal or update goes to, with `{businessKey}`, e.g. `purchase-{businessKey}`. signal and update. */
  workflowId: z.string().min(1).optional(),
  /**
   * Path of the person deciding, for a message that is a person's decision (e.g. purchaseApproval's
   * approve): required for those, refused for others. The sender authenticated that person; Junction
   * trusts its signed body for it (event-actor.ts).
   */
  actor: z.strictObject({ path: z.string().min(1) }).optional(),
  /**
   * The mapped input may set the fields that choose infrastructure (connectors, invoicing; GET
   * /v1/workflows lists them per process). Default false: such an event or imported row is
   * refused, as POST /v1/runs refuses them to a key without `runs:infrastructure`.
   */
  allowInfrastructureFields: z.boolean().default(false),
});

export const eventSourceSchema = z.strictObject({
  signature: z.discriminatedUnion('scheme', [hmacSignature, stripeSignature, sharedSecretSignature]),
  eventId: eventIdLocation,
  /** Largest accepted body, e.g. 256kb or 1mb (the default); at most 10mb. */
  bodyLimit: z
    .string()
    .regex(BODY_LIMIT, 'must be a size like 512kb or 1mb')
    .refine((value) => bodyLimitBytes(value) <= MAX_BODY_LIMIT_BYTES, 'must be at most 10mb')
    .default('1mb'),
  process: processMapping,
});

export const eventSourcesFileSchema = z.strictObject({
  sources: z
    .record(
      z.string().regex(SOURCE_NAME, 'a source name is lowercase letters, digits, ".", "_" and "-", at most 60'),
      eventSourceSchema,
    )
    .nullish(),
});

export type EventSourceEntry = z.infer<typeof eventSourceSchema>;
export type ProcessMappingEntry = z.infer<typeof processMapping>;

export function bodyLimitBytes(limit: string): number {
  const match = BODY_LIMIT.exec(limit)!;
  const unit = match[2]!.toLowerCase();
  return Number(match[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

/** The variable a `${VAR}` reference names. */
export function referencedVariable(reference: string): string {
  return ENV_REFERENCE.exec(reference)![1]!;
}
