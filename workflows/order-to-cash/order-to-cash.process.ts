import { defineProcess, PROGRESS_QUERY, type DeploymentFacts } from '../process-definition';
import { BusinessKey, CustomerEmail, OrderTotal, ProcessStatus } from '../shared/search-attributes';
import { orderToCashInputSchema } from './order-to-cash.input';
import { orderToCashResetPolicy } from './order-to-cash.reset-policy';
import { orderTotal, orderWorkflowId } from './order-to-cash.types';

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
  queries: [PROGRESS_QUERY],
  signals: [],
  updates: [],
  choosesConnectors: true,
  infrastructureFields: ['connectors', 'invoicing'],
  completeInput: (input, deployment) => withInvoicingMode(input, deployment),
  resetPolicy: orderToCashResetPolicy,
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An ERP that cannot create invoices through its API invoices by its own billing run. */
function withInvoicingMode(input: unknown, deployment: DeploymentFacts): unknown {
  if (!isRecord(input) || input.invoicing !== undefined) return input;
  const erp =
    isRecord(input.connectors) && typeof input.connectors.erp === 'string' ? input.connectors.erp : 'erp.main';
  const unsupported = deployment.unsupportedOperations('erp', erp);
  return unsupported?.includes('createInvoice') ? { ...input, invoicing: 'erp-billing-run' } : input;
}
