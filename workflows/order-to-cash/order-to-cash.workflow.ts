import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  patched,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { BUSINESS_FAILURE_CODES, ConnectorErrorCode } from '../../connectors/connector-error-codes';
import { compensationCall, connectorCall } from '../shared/activity-options';
import { describeFailure, ProgressTracker } from '../shared/progress-tracker';
import { BusinessKey, CustomerEmail, OrderTotal } from '../shared/search-attributes';
import { orderTotal, type OrderToCashInput, type OrderToCashResult } from './order-to-cash.types';

const steps = proxyActivities<Activities>(connectorCall);
const compensations = proxyActivities<Activities>(compensationCall);

/** Patch id of the cancelInvoice compensation; remove the branch once no run from before it can be open. */
export const CANCEL_INVOICE_PATCH = 'cancel-invoice-on-compensation';

/** Failure type of the workflow when the order could not be completed (after compensation). */
export const ORDER_FAILED = 'OrderFailed';

interface Compensation {
  step: string;
  run(): Promise<unknown>;
}

/**
 * Order to cash as a saga. Each step's idempotency key is `<workflowId>:<step>`, so a retried
 * activity, a repeated start and a replay never duplicate an order, a charge or an email.
 */
export async function orderToCash(input: OrderToCashInput): Promise<OrderToCashResult> {
  const { workflowId } = workflowInfo();
  const key = (step: string) => `${workflowId}:${step}`;
  const use = {
    crm: input.connectors?.crm ?? 'crm.main',
    erp: input.connectors?.erp ?? 'erp.main',
    payment: input.connectors?.payment ?? 'payment.main',
    email: input.connectors?.email ?? 'email.main',
  };
  const total = orderTotal(input.lines);
  const progress = new ProgressTracker();
  upsertSearchAttributes([
    { key: BusinessKey, value: input.orderId },
    { key: CustomerEmail, value: input.customer.email },
    { key: OrderTotal, value: total / 100 },
  ]);
  progress.setStatus('RUNNING');

  const undo: Compensation[] = [];
  const emailFacts = { orderId: input.orderId, customer: input.customer, currency: input.currency, lines: input.lines };
  try {
    const contact = await progress.step('upsertCustomer', () =>
      steps.upsertCrmContact({
        connector: use.crm,
        contact: {
          email: input.customer.email,
          firstName: input.customer.firstName,
          lastName: input.customer.lastName,
          company: input.customer.company,
          phone: input.customer.phone,
        },
        idempotencyKey: key('crm-contact'),
      }),
    );

    await progress.step('checkStock', () => steps.checkStock({ connector: use.erp, lines: input.lines }));

    const salesOrder = await progress.step('createSalesOrder', async () => {
      const customer = await steps.upsertErpCustomer({
        connector: use.erp,
        customer: {
          email: input.customer.email,
          name: `${input.customer.firstName} ${input.customer.lastName}`,
          crmContactId: contact.id,
        },
        idempotencyKey: key('erp-customer'),
      });
      const order = await steps.createSalesOrder({
        connector: use.erp,
        order: {
          externalReference: input.orderId,
          customerId: customer.id,
          currency: input.currency,
          lines: input.lines,
        },
        idempotencyKey: key('sales-order'),
      });
      return { ...order, customerId: customer.id };
    });
    undo.push({
      step: 'cancelSalesOrder',
      run: () =>
        compensations.cancelSalesOrder({
          connector: use.erp,
          salesOrderId: salesOrder.id,
          idempotencyKey: key('cancel-sales-order'),
        }),
    });

    const payment = await progress.step('authorizePayment', () =>
      steps.authorizePayment({
        connector: use.payment,
        authorization: {
          amount: { amount: total, currency: input.currency },
          paymentMethodToken: input.payment.token,
          // The ERP sales order the money is for: invoiceReconciliation matches payments to invoices by it.
          customerReference: salesOrder.id,
          description: `Order ${input.orderId}`,
        },
        idempotencyKey: key('authorize-payment'),
      }),
    );
    const voidAuthorization: Compensation = {
      step: 'voidPayment',
      run: () =>
        compensations.voidPayment({
          connector: use.payment,
          paymentId: payment.id,
          idempotencyKey: key('void-payment'),
        }),
    };
    undo.push(voidAuthorization);

    const invoice =
      input.invoicing === 'erp-billing-run'
        ? await progress.step('invoiceByErpBillingRun', async () => null)
        : await progress.step('createInvoice', () =>
            steps.createInvoice({
              connector: use.erp,
              invoice: {
                salesOrderId: salesOrder.id,
                customerId: salesOrder.customerId,
                total: { amount: total, currency: input.currency },
              },
              idempotencyKey: key('invoice'),
            }),
          );

    // Runs started before this change compensated without cancelling the invoice; patched()
    // keeps their histories replaying as they were recorded (test/histories/order-to-cash/capture-failed.json).
    if (invoice && patched(CANCEL_INVOICE_PATCH)) {
      undo.push({
        step: 'cancelInvoice',
        run: () =>
          compensations.cancelInvoice({
            connector: use.erp,
            invoiceId: invoice.id,
            idempotencyKey: key('cancel-invoice'),
          }),
      });
    }

    await progress.step('capturePayment', () =>
      steps.capturePayment({ connector: use.payment, paymentId: payment.id, idempotencyKey: key('capture-payment') }),
    );
    // Once captured, the money can only be given back by a refund.
    undo.splice(undo.indexOf(voidAuthorization), 1, {
      step: 'refundPayment',
      run: () =>
        compensations.refundPayment({
          connector: use.payment,
          paymentId: payment.id,
          idempotencyKey: key('refund-payment'),
        }),
    });

    const confirmation = await progress.step('sendConfirmation', () =>
      steps.sendOrderEmail({
        connector: use.email,
        email: {
          kind: 'confirmation',
          facts: { ...emailFacts, ...(invoice ? { invoiceNumber: invoice.number } : {}) },
        },
        idempotencyKey: key('email-confirmation'),
      }),
    );

    progress.setStatus('COMPLETED');
    return {
      orderId: input.orderId,
      customerId: salesOrder.customerId,
      salesOrderId: salesOrder.id,
      invoiceId: invoice?.id ?? null,
      paymentId: payment.id,
      confirmationMessageId: confirmation.messageId,
      total: { amount: total, currency: input.currency },
    };
  } catch (error) {
    const cancelled = isCancellation(error);
    const failure = describeFailure(error);
    log.warn('order failed, compensating', {
      orderId: input.orderId,
      step: progress.failedStep,
      type: failure.type,
      cancelled,
    });
    progress.setStatus('COMPENSATING');
    // Compensation must finish even when the run itself was cancelled.
    await CancellationScope.nonCancellable(async () => {
      for (const compensation of [...undo].reverse()) {
        try {
          await compensation.run();
          progress.compensated(compensation.step);
        } catch (compensationError) {
          progress.compensated(compensation.step, compensationError);
        }
      }
      try {
        await compensations.sendOrderEmail({
          connector: use.email,
          email: { kind: 'failure', facts: { ...emailFacts, reason: customerReason(failure.type, cancelled) } },
          idempotencyKey: key('email-failure'),
        });
        progress.compensated('notifyCustomer');
      } catch (emailError) {
        progress.compensated('notifyCustomer', emailError);
      }
    });
    progress.setStatus(cancelled ? 'CANCELLED' : 'FAILED');
    if (cancelled) throw error;
    throw ApplicationFailure.create({
      type: ORDER_FAILED,
      message: `Order ${input.orderId} failed at ${progress.failedStep ?? 'unknown step'}: ${failure.message}`,
      nonRetryable: true,
      details: [{ step: progress.failedStep, code: failure.type }],
      cause: error instanceof Error ? error : undefined,
    });
  }
}

/** What the customer is told; never internal error text. */
function customerReason(type: string | null, cancelled: boolean): string {
  if (cancelled) return 'The order was cancelled.';
  if (type && (BUSINESS_FAILURE_CODES as readonly string[]).includes(type)) {
    return type === ConnectorErrorCode.PaymentDeclined ? 'Your payment was declined.' : 'Some items are out of stock.';
  }
  return 'A technical problem prevented us from completing it.';
}
