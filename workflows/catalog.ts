/**
 * The process catalog: every business process Junction can start, with the schema that
 * validates its input. The API and CLI read it; workflow code never imports it.
 * To add a process: write workflows/<name>/, export it from workflows/index.ts, add it here.
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { z } from 'zod';
import { orderToCashInputSchema } from './order-to-cash/order-to-cash.input';
import { orderTotal, orderWorkflowId } from './order-to-cash/order-to-cash.types';
import { BusinessKey, CustomerEmail, OrderTotal, ProcessStatus } from './shared/search-attributes';

export interface ProcessDefinition<Schema extends z.ZodType = z.ZodType> {
  /** The workflow type: the exported function name, a wire name never renamed. */
  type: string;
  description: string;
  inputSchema: Schema;
  workflowId(input: z.infer<Schema>): string;
  businessKey(input: z.infer<Schema>): string;
  /** Set at start so the run is searchable before its first workflow task. */
  initialSearchAttributes(input: z.infer<Schema>): SearchAttributePair[];
  queries: readonly string[];
  signals: readonly string[];
  /** The input has `connectors: { crm?, erp?, payment?, email? }`; the API fills in configured defaults. */
  choosesConnectors?: boolean;
}

function defineProcess<Schema extends z.ZodType>(definition: ProcessDefinition<Schema>): ProcessDefinition<Schema> {
  return definition;
}

export const orderToCashProcess = defineProcess({
  type: 'orderToCash',
  description:
    'Order to cash: upsert the customer in the CRM, check stock and create the sales order in the ERP, authorize the payment, invoice, capture and confirm by email; compensates (cancel, void/refund, notify) when a step fails for good.',
  inputSchema: orderToCashInputSchema,
  workflowId: (input) => orderWorkflowId(input.orderId),
  businessKey: (input) => input.orderId,
  initialSearchAttributes: (input) => [
    { key: BusinessKey, value: input.orderId },
    { key: CustomerEmail, value: input.customer.email },
    { key: OrderTotal, value: orderTotal(input.lines) / 100 },
    { key: ProcessStatus, value: 'RUNNING' },
  ],
  queries: ['progress'],
  signals: [],
  choosesConnectors: true,
});

export const PROCESS_CATALOG: readonly ProcessDefinition[] = [orderToCashProcess as unknown as ProcessDefinition];

export function findProcess(type: string): ProcessDefinition | undefined {
  return PROCESS_CATALOG.find((process) => process.type === type);
}
