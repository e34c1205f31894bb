import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = (protocols: readonly string[]) =>
  z
    .string()
    .url()
    .refine((value) => protocols.some((p) => value.startsWith(`${p}:`)), {
      message: `must start with one of: ${protocols.map((p) => `${p}://`).join(', ')}`,
    });

/**
 * Every environment variable Junction reads. Defaults are safe for a local machine;
 * secrets (TEMPORAL_API_KEY, JUNCTION_MASTER_KEY) have none on purpose.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
  /** Unset means "local": `npm start` runs a dev server and points the roles at it. */
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port, e.g. 127.0.0.1:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('junction'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_UI_PORT: port.default(8233),
  DATABASE_URL: optionalUrl(['mysql', 'mariadb']).default('mysql://root@127.0.0.1:3306/junction'),
  REDIS_URL: optionalUrl(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  JUNCTION_MASTER_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Keys the vault may still decrypt with, comma-separated, while `npm run vault -- rotate` moves records off them. */
  JUNCTION_PREVIOUS_MASTER_KEYS: z
    .string()
    .transform((value) => value.split(',').map((key) => key.trim()).filter((key) => key !== ''))
    .pipe(z.array(z.string().min(32, 'each key must be at least 32 characters')))
    .optional(),
  /** Connector instances, plugins and step defaults (default config/connectors.yaml, optional there). */
  CONNECTORS_FILE: z.string().min(1).optional(),
  /** Schedules created or updated at start-up by the API role (default config/schedules.yaml, optional there). */
  SCHEDULES_FILE: z.string().min(1).optional(),
  /** Unset means "local": `npm start` runs a mail catcher and points SMTP at it. */
  SMTP_URL: optionalUrl(['smtp', 'smtps']).optional(),
  EMAIL_FROM: z.string().min(3).default('Junction <no-reply@junction.local>'),
  MAIL_UI_PORT: port.default(1080),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  /** json when stdout is not a terminal, pretty otherwise, unless set. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
});

export type Env = z.infer<typeof envSchema>;
