import { z } from 'zod';
import { PROCESS_CATALOG } from '../../../workflows/catalog';
import { KEY_STATUSES } from '../../auth/key-summary';
import { SCOPE_GRAMMAR, scopeProblem } from '../../auth/scopes';
import { NO_CONTROL_CHARACTERS } from '../no-control-characters';

const MAX_LIFETIME_DAYS = 3650;
/** Plain scopes plus a read and a write scope per process, with room for the catalog to grow. */
const MAX_SCOPES = 100;

/**
 * A scope a key may carry: the grammar of server/auth/scopes.ts, and a process-limited scope
 * names a type of the catalog.
 */
export const keyScopeSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = scopeProblem(
      value,
      PROCESS_CATALOG.map((process) => process.type),
    );
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: `One of ${SCOPE_GRAMMAR}.`, example: 'runs:write:orderToCash' });
const DAY_MS = 86_400_000;

/** `:id` in /v1/keys/:id: the numeric id POST /v1/keys answered with. */
export const keyIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a key id (a positive whole number)')
  .transform(Number)
  .pipe(z.number().max(4_294_967_295, 'must be a key id (a positive whole number)'));

/**
 * POST /v1/keys. The expiry is a moment or a number of days from now; neither means the default
 * lifetime (API_KEY_DEFAULT_LIFETIME_DAYS), `"expiresAt": null` a key that never expires.
 */
export const createKeyBodySchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(100)
      .regex(NO_CONTROL_CHARACTERS, 'must not contain control characters'),
    scopes: z.array(keyScopeSchema).min(1, 'at least one scope is required').max(MAX_SCOPES),
    expiresAt: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2030-01-31T00:00:00Z' })
      .transform((value) => new Date(value))
      .refine((at) => at.getTime() > Date.now(), 'must be in the future')
      .refine(
        (at) => at.getTime() <= Date.now() + MAX_LIFETIME_DAYS * DAY_MS,
        `must be within ${MAX_LIFETIME_DAYS} days`,
      )
      .nullable()
      .optional(),
    expiresInDays: z.number().int('must be a whole number of days').min(1).max(MAX_LIFETIME_DAYS).optional(),
    /** The person (email) the key is issued to: an approval decided with the key is theirs. */
    actsAs: z.string().trim().toLowerCase().pipe(z.email('must be an email address')).optional(),
  })
  .strict()
  .refine((body) => body.expiresAt === undefined || body.expiresInDays === undefined, {
    path: ['expiresInDays'],
    message: 'give expiresAt or expiresInDays, not both',
  });

export type CreateKeyBody = z.infer<typeof createKeyBodySchema>;

/** undefined: the default lifetime; null: never. */
export function expiryOf(body: CreateKeyBody, now: Date): Date | null | undefined {
  if (body.expiresAt !== undefined) return body.expiresAt;
  return body.expiresInDays ? new Date(now.getTime() + body.expiresInDays * DAY_MS) : undefined;
}

export const listKeysQuerySchema = z
  .object({
    status: z.enum(KEY_STATUSES).optional(),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
    pageToken: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextPageToken returned by a previous page')
      .optional(),
  })
  .strict();
