import { fieldOf, type ResetPolicy, type ScheduledActivity } from '../reset-policy';

/**
 * orderToCash's steps and the activities that do their work, in the workflow's order. Every write
 * carries `<workflowId>:<step>` as its idempotency key, so a step run again after a reset finds the
 * effect it made before (the vendor answers the stored result) instead of making a second one.
 * invoiceByErpBillingRun schedules nothing and is not listed: it cannot be located in a history.
 */
const STEP_ACTIVITIES: Readonly<Record<string, string>> = {
  upsertCrmContact: 'upsertCustomer',
  checkStock: 'checkStock',
  upsertErpCustomer: 'createSalesOrder',
  createSalesOrder: 'createSalesOrder',
  authorizePayment: 'authorizePayment',
  createInvoice: 'createInvoice',
  capturePayment: 'capturePayment',
};

/** The compensations of the saga and the step whose effect each undoes. */
const UNDOES: Readonly<Record<string, string>> = {
  cancelSalesOrder: 'createSalesOrder',
  voidPayment: 'authorizePayment',
  cancelInvoice: 'createInvoice',
  refundPayment: 'capturePayment',
};

const RESETTABLE = [
  'upsertCustomer',
  'checkStock',
  'createSalesOrder',
  'authorizePayment',
  'createInvoice',
  'capturePayment',
  'sendConfirmation',
] as const;

const emailKind = (activity: ScheduledActivity): unknown => fieldOf(activity.input, ['email', 'kind']);

export const orderToCashResetPolicy: ResetPolicy = {
  resettableSteps: RESETTABLE.join(', '),
  isResettable: (step) => (RESETTABLE as readonly string[]).includes(step),
  stepOf(activity) {
    if (activity.activityType === 'sendOrderEmail')
      return emailKind(activity) === 'confirmation' ? 'sendConfirmation' : null;
    return STEP_ACTIVITIES[activity.activityType] ?? null;
  },
  compensationOf(activity) {
    const undoes = UNDOES[activity.activityType];
    if (undoes) return { undoes };
    // The "could not be completed" email tells the customer; it reverses nothing.
    if (activity.activityType === 'sendOrderEmail' && emailKind(activity) === 'failure') return { undoes: null };
    return null;
  },
};
