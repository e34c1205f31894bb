import { z } from 'zod';
import { SOURCE_NAME } from '../../intake/event-sources.schema';

export const sourceNameSchema = z
  .string()
  .regex(SOURCE_NAME, 'must be a configured source name')
  .meta({ example: 'shopify-orders' });

/** What POST /v1/events/:source answers, for a new event (202) and for a repeated one (200). */
export const eventReceiptSchema = z
  .object({
    inboxId: z.string().meta({ description: 'The inbox row: quote it when asking about the event.' }),
    source: z.string(),
    eventId: z.string(),
    status: z
      .enum(['pending', 'done', 'dead'])
      .meta({ description: 'pending until Temporal accepted the delivery; dead: see /v1/dead-letters.' }),
    duplicate: z.boolean().meta({ description: 'true: the event was received before; this delivery changed nothing.' }),
    workflowType: z.string().nullable(),
    workflowId: z.string().nullable(),
    runId: z.string().nullable().meta({ description: 'The run started or reached, once delivered.' }),
    outcome: z
      .enum(['started', 'existing', 'signalled', 'updated', 'run-closed'])
      .nullable()
      .meta({ description: 'How it was delivered, once delivered.' }),
  })
  .meta({ id: 'EventReceipt' });
