/**
 * The flows whose runs test/histories/record-flows.ts records for the flow replay tests. Each
 * document travels in its run's input, so a recorded history keeps the version it ran.
 */
import { flowDocument } from '../support/flow-runs';
import { cancelSalesOrder, customerAndSalesOrder } from '../support/flow-saga-tasks';

/** set, switch, a concurrent for of connector calls, fork, try/catch and export.as: every value with jq. */
export const pickListDocument = flowDocument('pick-list', {
  input: { from: '${ .order }' },
  do: [
    {
      prepare: {
        set: { id: '${ .id }', total: '${ [.lines[].amount] | add }', recipients: '${ .recipients }' },
        export: { as: '${ { orderId: .id } }' },
      },
    },
    {
      route: {
        switch: [{ large: { when: '${ .total >= 100 }', then: 'notify' } }, { small: { then: 'notify' } }],
      },
    },
    {
      notify: {
        for: { each: 'to', in: '${ .recipients }', at: 'i' },
        metadata: { concurrency: 2 },
        do: [
          {
            send: {
              call: 'email.send',
              with: {
                connector: 'email.main',
                message: '${ { to: [$to], subject: "Pick list \\($context.orderId) (\\($i))", text: "Please pick." } }',
              },
              output: { as: '${ $to }' },
            },
          },
        ],
        export: { as: '${ $context + { notified: . } }' },
      },
    },
    {
      checks: {
        fork: {
          branches: [
            { settle: { wait: { minutes: 5 }, output: { as: '${ "settled" }' } } },
            {
              contact: {
                call: 'crm.upsertContact',
                with: {
                  connector: 'crm.main',
                  contact: '${ { email: "picker@warehouse.example", firstName: "Pia", lastName: "Picker" } }',
                },
                output: { as: '${ .id }' },
              },
            },
          ],
        },
      },
    },
    {
      stock: {
        try: [
          {
            reserve: {
              raise: {
                error: {
                  type: 'https://example.com/errors/out-of-stock',
                  status: 404,
                  detail: '${ "no stock for \\($context.orderId)" }',
                },
              },
            },
          },
        ],
        catch: {
          errors: { with: { status: 404 } },
          as: 'problem',
          do: [{ backorder: { set: { backorder: '${ $problem.detail }' } } }],
        },
      },
    },
    {
      summary: {
        set: { order: '${ $context.orderId }', notified: '${ $context.notified }', backorder: '${ .backorder }' },
      },
    },
  ],
});

/** A payment after the customer and sales order; a declined token fails the run and cancels the order. */
export const paymentSagaDocument = flowDocument('payment-saga', {
  do: [
    ...customerAndSalesOrder,
    {
      authorize: {
        call: 'payment.authorize',
        with: {
          connector: 'payment.main',
          authorization:
            '${ { amount: { amount: 500, currency: "EUR" }, paymentMethodToken: $workflow.input.token, customerReference: $context.salesOrder.id } }',
        },
        metadata: { compensate: 'voidAuthorization' },
      },
    },
    { done: { set: { ok: true }, then: 'end' } },
    cancelSalesOrder,
    {
      voidAuthorization: {
        call: 'payment.voidAuthorization',
        with: { connector: 'payment.main', paymentId: '${ .id }' },
      },
    },
  ],
});

/** Waits for an approval event (the `event` update), then goes on with its data. */
export const approvalDocument = flowDocument('approval', {
  do: [
    { request: { set: { request: '${ .id }' } } },
    {
      approval: {
        listen: { to: { one: { with: { type: 'com.example.approval.granted' } } } },
        timeout: { after: { hours: 24 } },
        output: { as: '${ .[0] }' },
      },
    },
    { approved: { set: { approvedBy: '${ .by }' } } },
  ],
});

/** The customer and sales order, then a wait for an event that never comes: cancelled there, the order is cancelled. */
export const awaitingReleaseDocument = flowDocument('awaiting-release', {
  do: [
    ...customerAndSalesOrder,
    { release: { listen: { to: { one: { with: { type: 'com.example.release' } } } } } },
    { done: { set: {}, then: 'end' } },
    cancelSalesOrder,
  ],
});
