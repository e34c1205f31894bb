import { z } from 'zod';

export const notificationRecipientSchema = z
  .object({
    /** At most 190 characters, so that `<eventId>:<email>` fits an idempotency key (255). */
    email: z.email().max(190),
    /** Replaces {{name}} in the subject and bodies (the address when absent). */
    name: z.string().min(1).max(200).optional(),
  })
  .strict();

export type NotificationRecipient = z.infer<typeof notificationRecipientSchema>;

/**
 * Input of `notificationFanout`; validates `POST /v1/runs` and is served as JSON Schema. The
 * subject and bodies may use {{name}} and {{email}}; they travel with every batch, hence the
 * bounds on their size.
 */
export const notificationFanoutInputSchema = z
  .object({
    /** The business event notified about; the run is `notify-<eventId>`, each email keyed `<eventId>:<email>`. */
    eventId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (max 64), starting with a letter or digit'),
    subject: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^\r\n]*$/, 'must be a single line'),
    text: z.string().min(1).max(20_000),
    html: z.string().min(1).max(50_000).optional(),
    /** 1 to 10,000; duplicates (case-insensitive) are sent to once. */
    recipients: z.array(notificationRecipientSchema).min(1).max(10_000),
    /** Email connector instance; default email.main. Other kinds are dropped. */
    connectors: z.object({ email: z.string().min(1).optional() }).optional(),
    /** Recipients per child workflow (default 100; raised so that there are at most 500 batches). */
    batchSize: z.number().int().min(1).max(1_000).optional(),
    /**
     * Emails per second for the whole fan-out (default 20), shared by the batches running at
     * once. SMTP relays publish no machine-readable limit and the SMTP connector has no rate
     * limit setting: set this to the relay's allowance.
     */
    ratePerSecond: z.number().int().min(1).max(1_000).optional(),
    /** Batches (child workflows) sending at once (default 4). */
    concurrency: z.number().int().min(1).max(20).optional(),
  })
  .strict();

export type NotificationFanoutInput = z.infer<typeof notificationFanoutInputSchema>;
