import { defineProcess, PROGRESS_QUERY } from '../process-definition';
import { BusinessKey, ProcessStatus } from '../shared/search-attributes';
import { notificationFanoutInputSchema } from './notification-fanout.input';
import { notificationWorkflowId } from './notification-fanout.types';

export const notificationFanoutProcess = defineProcess({
  type: 'notificationFanout',
  description:
    'Notification fan-out: one event to up to 10,000 recipients through the email connector, in batches (child workflows notificationBatch) within a rate per second; each address gets the email exactly once, and refused recipients are reported ({ sent, failed }) instead of failing the run.',
  inputSchema: notificationFanoutInputSchema,
  workflowId: (input) => notificationWorkflowId(input.eventId),
  businessKey: (input) => input.eventId,
  initialSearchAttributes: (input) => [
    { key: BusinessKey, value: input.eventId },
    { key: ProcessStatus, value: 'RUNNING' },
  ],
  queries: [
    {
      ...PROGRESS_QUERY,
      description: `${PROGRESS_QUERY.description} details: recipients, batches, batchesDone, sent, failedCount, failed (first 1,000), incompleteBatches.`,
    },
  ],
  signals: [],
  updates: [],
  choosesConnectors: true,
  infrastructureFields: ['connectors'],
});
