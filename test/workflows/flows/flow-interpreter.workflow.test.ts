import type { WorkflowHandle } from '@temporalio/client';
import { expect } from 'chai';
import { ConnectorErrorCode } from '../../../connectors/connector-error-codes';
import { clearSandboxFaults, countSandboxRecords, injectSandboxFault } from '../../../connectors/sandbox/sandbox-admin';
import { DslErrorType } from '../../../workflows/flow/dsl-errors';
import { FLOW_EVENT_UPDATE, type FlowEvent, type FlowEventReceipt } from '../../../workflows/flow/flow-run.types';
import { createFlowsService } from '../../../server/flows/store/flows.service';
import { registryValidationContext } from '../../../server/flows/store/flow-validation-context';
import { HttpEchoFake } from '../../fakes/http-echo-fake';
import { expectFlowFailure, flowDocument, runFlow } from '../../support/flow-runs';
import { cancelSalesOrder, customerAndSalesOrder } from '../../support/flow-saga-tasks';
import { uniqueId } from '../../support/order-fixtures';
import { startWorkflowHarness, type WorkflowHarness } from '../../support/workflow-harness';

const sendEvent = (handle: WorkflowHandle, event: FlowEvent) =>
  handle.executeUpdate<FlowEventReceipt, [FlowEvent]>(FLOW_EVENT_UPDATE, { args: [event] });

describe('Flow interpreter (time-skipping server, sandbox connectors, real jq)', function () {
  this.timeout(120_000);
  let harness: WorkflowHarness;

  before(async () => {
    harness = await startWorkflowHarness('wf_flows', { rejectRecipients: /^reject/ });
  });
  after(() => harness?.close());
  afterEach(() => clearSandboxFaults(harness.db.models));

  describe('data flow: set, do, input.from, output.as, export.as', () => {
    it('passes each output on, keeps $context, and shapes the flow output', async () => {
      const document = flowDocument('data-flow', {
        input: { from: '${ .order }' },
        do: [
          {
            pick: {
              set: { id: '${ .id }', total: '${ [.lines[].amount] | add }' },
              export: { as: '${ { seen: .id } }' },
            },
          },
          {
            nested: {
              do: [
                { label: { set: { label: '${ "Order \\(.id) of \\($workflow.input.shop)" }', total: '${ .total }' } } },
              ],
            },
          },
        ],
        output: { as: '${ . + { seen: $context.seen, literal: "kept" } }' },
      });
      const run = await runFlow(harness, document, {
        shop: 'acme',
        order: { id: 'A1', lines: [{ amount: 2 }, { amount: 5 }] },
      });
      expect(await run.outcome).to.deep.equal({ label: 'Order A1 of acme', total: 7, seen: 'A1', literal: 'kept' });
      expect(run.progress.status).to.equal('COMPLETED');
      expect(run.progress.stepsDone).to.deep.equal(['/do/0/pick', '/do/1/nested/do/0/label', '/do/1/nested']);
    });

    it('skips a task whose if is false and passes its input on', async () => {
      const document = flowDocument('skip', {
        do: [{ never: { if: '${ .n > 5 }', set: { replaced: true } } }, { always: { set: { n: '${ .n + 1 }' } } }],
      });
      const run = await runFlow(harness, document, { n: 1 });
      expect(await run.outcome).to.deep.equal({ n: 2 });
      expect(run.progress.stepsDone).to.deep.equal(['/do/1/always']);
    });
  });

  describe('switch and then', () => {
    it('loops by jumping back, each run of a task under its own path, and ends at then: end', async () => {
      const document = flowDocument('loop', {
        do: [
          { start: { set: { n: 0 } } },
          { count: { set: { n: '${ .n + 1 }' } } },
          {
            again: {
              switch: [{ more: { when: '${ .n < 3 }', then: 'count' } }, { done: { then: 'finish' } }],
            },
          },
          { finish: { set: { n: '${ .n }', finished: true }, then: 'end' } },
          { unreachable: { set: { unreachable: true } } },
        ],
      });
      const run = await runFlow(harness, document, {});
      expect(await run.outcome).to.deep.equal({ n: 3, finished: true });
      expect(run.progress.stepsDone).to.deep.equal([
        '/do/0/start',
        '/do/1/count',
        '/do/2/again',
        '/do/1/count#2',
        '/do/2/again#2',
        '/do/1/count#3',
        '/do/2/again#3',
        '/do/3/finish',
      ]);
    });
  });

  describe('call: connector functions', () => {
    it('calls the connector with the task idempotency key, so a second call of the same key writes nothing new', async () => {
      const email = `${uniqueId('flow')}@customer.example`;
      const document = flowDocument('contacts', {
        do: [
          {
            upsert: {
              call: 'crm.upsertContact',
              with: { connector: 'crm.main', contact: '${ { email: .email, firstName: "Ada", lastName: "L" } }' },
              output: { as: '${ { contactId: .id } }' },
            },
          },
          {
            lookup: {
              call: 'crm.findContactByEmail',
              with: { connector: 'crm.main', email: '${ $workflow.input.email }' },
            },
          },
        ],
      });
      const before = await countSandboxRecords(harness.db.models, 'crm.main', 'contacts');
      const run = await runFlow(harness, document, { email });
      const found = (await run.outcome) as { id: string; email: string };
      expect(found.email).to.equal(email);
      expect(await countSandboxRecords(harness.db.models, 'crm.main', 'contacts')).to.equal(before + 1);
    });

    it('when a later call fails for good, then the completed calls are compensated newest first and the run fails', async () => {
      const document = flowDocument('saga', {
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
      const run = await runFlow(harness, document, { id: uniqueId('SO'), token: 'tok_declined_card' });
      const failure = await expectFlowFailure(run.outcome);
      expect(failure.task).to.equal('/do/2/authorize');
      expect(failure.error).to.include({ type: DslErrorType.communication, title: ConnectorErrorCode.PaymentDeclined });
      expect(run.progress.status).to.equal('FAILED');
      expect(run.progress.compensations).to.deep.equal([{ step: 'cancelSalesOrder', outcome: 'done' }]);
    });
  });

  describe('call: http', () => {
    it('calls the http instance its endpoint names, with path variables, evaluated body and headers, and the task key', async () => {
      const api = await new HttpEchoFake().start();
      harness.registry.defineInstance('http.billing', {
        kind: 'http',
        vendor: 'http',
        settings: { baseUrl: `${api.url}/api`, auth: { type: 'none' } },
      });
      try {
        api.respondNext(
          { status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"INV-7"}' },
          { status: 422, headers: { 'content-type': 'application/json' }, body: '{"message":"closed"}' },
        );
        const document = flowDocument('http-call', {
          do: [
            {
              invoice: {
                call: 'http',
                with: {
                  method: 'post',
                  endpoint: 'connector://http.billing/customers/{customerId}/invoices',
                  headers: { 'X-Tenant': '${ .tenant }' },
                  query: { expand: 'lines' },
                  body: '${ { amount: .amount } }',
                },
                export: { as: '${ { invoiceId: .id } }' },
              },
            },
            {
              close: {
                try: [
                  {
                    closeInvoice: {
                      call: 'http',
                      with: { method: 'post', endpoint: 'connector://http.billing/close', output: 'response' },
                    },
                  },
                ],
                catch: {
                  errors: { with: { title: 'INVALID_REQUEST' } },
                  as: 'refusal',
                  do: [{ note: { set: { refused: '${ $refusal.status }' } } }],
                },
              },
            },
          ],
          output: { as: '${ . + $context }' },
        });
        const run = await runFlow(harness, document, { customerId: 'C 1', tenant: 'eu', amount: 42 });
        expect(await run.outcome).to.deep.equal({ refused: 422, invoiceId: 'INV-7' });
        const [created] = api.received;
        expect(created).to.deep.include({
          method: 'POST',
          path: '/api/customers/C%201/invoices',
          query: { expand: 'lines' },
        });
        expect(JSON.parse(created?.body ?? '')).to.deep.equal({ amount: 42 });
        expect(created?.headers).to.include({
          'x-tenant': 'eu',
          'idempotency-key': `${run.handle.workflowId}:/do/0/invoice`,
        });
      } finally {
        await api.close();
      }
    });
  });

  describe('compensation edge cases', () => {
    it('when output.as fails after a write, then the write is still compensated, by a task found in a catch', async () => {
      const document = flowDocument('output-fails', {
        do: [
          {
            customer: {
              call: 'erp.upsertCustomer',
              with: { connector: 'erp.main', customer: '${ { email: .email, name: "Ada" } }' },
              export: { as: '${ { customerId: .id } }' },
            },
          },
          {
            createSalesOrder: {
              call: 'erp.createSalesOrder',
              with: {
                connector: 'erp.main',
                order:
                  '${ { externalReference: $workflow.input.id, customerId: $context.customerId, currency: "EUR", lines: [{ sku: "SKU-1", quantity: 1, unitAmount: 500 }] } }',
              },
              output: { as: '${ .id + 1 }' },
              metadata: { compensate: 'cancelSalesOrder' },
            },
          },
          {
            never: {
              try: [{ nothing: { set: { nothing: true } } }],
              catch: {
                do: [
                  {
                    cancelSalesOrder: {
                      call: 'erp.cancelSalesOrder',
                      with: { connector: 'erp.main', salesOrderId: '${ .id }' },
                    },
                  },
                ],
              },
            },
          },
        ],
      });
      const id = uniqueId('OUT');
      const run = await runFlow(harness, document, { id, email: `${id.toLowerCase()}@customer.example` });
      const failure = await expectFlowFailure(run.outcome);
      expect(failure.task).to.equal('/do/1/createSalesOrder');
      expect(failure.error.type).to.equal(DslErrorType.expression);
      expect(run.progress.compensations).to.deep.equal([{ step: 'cancelSalesOrder', outcome: 'done' }]);
    });
  });

  describe('for', () => {
    it('iterates one after another, binding the item and index, while the condition holds', async () => {
      const document = flowDocument('for-sequential', {
        do: [
          {
            sum: {
              for: { each: 'line', in: '${ .lines }', at: 'i' },
              while: '${ .total < 10 }',
              do: [{ add: { set: { total: '${ .total + $line.amount }', last: '${ $i }' } } }],
            },
          },
        ],
      });
      const run = await runFlow(harness, document, {
        total: 0,
        lines: [{ amount: 4 }, { amount: 7 }, { amount: 100 }],
      });
      expect(await run.outcome).to.deep.equal({ total: 11, last: 1 });
    });

    it('runs iterations at once up to metadata.concurrency, each call with its own key', async () => {
      const recipients = Array.from({ length: 5 }, (_, index) => `${uniqueId(`for${index}`)}@warehouse.example`);
      const document = flowDocument('for-concurrent', {
        do: [
          {
            notify: {
              for: { each: 'to', in: '${ .recipients }' },
              metadata: { concurrency: 3 },
              do: [
                {
                  send: {
                    call: 'email.send',
                    with: {
                      connector: 'email.main',
                      message: '${ { to: [$to], subject: "Pick list \\($index)", text: "Please pick." } }',
                    },
                    output: { as: '${ $to }' },
                  },
                },
              ],
            },
          },
        ],
      });
      const run = await runFlow(harness, document, { recipients });
      expect(await run.outcome).to.deep.equal(recipients);
      for (const [index, to] of recipients.entries()) {
        const mail = await harness.smtp.waitFor((m) => JSON.stringify(m.to ?? null).includes(to));
        expect(mail.subject).to.equal(`Pick list ${index}`);
      }
    });
  });

  describe('fork', () => {
    it('runs the branches at once and gives their outputs in order', async () => {
      const document = flowDocument('fork-all', {
        do: [
          {
            both: {
              fork: {
                branches: [
                  { slow: { wait: { minutes: 5 }, output: { as: '${ "slow" }' } } },
                  { fast: { set: { branch: 'fast' } } },
                ],
              },
            },
          },
        ],
      });
      const run = await runFlow(harness, document, {});
      expect(await run.outcome).to.deep.equal(['slow', { branch: 'fast' }]);
    });

    it('with compete, the first branch to finish wins and the others are cancelled', async () => {
      const document = flowDocument('fork-compete', {
        do: [
          {
            race: {
              fork: {
                compete: true,
                branches: [
                  { slow: { wait: { hours: 2 }, output: { as: '${ "slow" }' } } },
                  { quick: { wait: { minutes: 1 }, output: { as: '${ "quick" }' } } },
                ],
              },
            },
          },
        ],
      });
      const run = await runFlow(harness, document, {});
      expect(await run.outcome).to.equal('quick');
    });
  });

  describe('try, catch, retry and raise', () => {
    it('catches a raised error its filter takes and runs catch.do with the error bound', async () => {
      const document = flowDocument('catch', {
        do: [
          {
            guarded: {
              try: [
                {
                  fail: {
                    raise: {
                      error: { type: 'https://example.com/errors/missing', status: 404, detail: '${ "no \\(.sku)" }' },
                    },
                  },
                },
              ],
              catch: {
                errors: { with: { status: 404 } },
                as: 'problem',
                do: [{ recover: { set: { recovered: '${ $problem.detail }', instance: '${ $problem.instance }' } } }],
              },
            },
          },
        ],
      });
      const run = await runFlow(harness, document, { sku: 'SKU-9' });
      expect(await run.outcome).to.deep.equal({ recovered: 'no SKU-9', instance: '/do/0/guarded/try/0/fail' });
    });

    it('lets an error the filter does not take fail the run, naming the task and the DSL error', async () => {
      const document = flowDocument('uncaught', {
        do: [
          {
            guarded: {
              try: [
                {
                  fail: {
                    raise: { error: { type: 'https://example.com/errors/conflict', status: 409, title: 'Conflict' } },
                  },
                },
              ],
              catch: { errors: { with: { status: 404 } }, do: [{ never: { set: { never: true } } }] },
            },
          },
        ],
      });
      const failure = await expectFlowFailure((await runFlow(harness, document, {})).outcome);
      expect(failure.task).to.equal('/do/0/guarded/try/0/fail');
      expect(failure.error).to.include({ status: 409, title: 'Conflict' });
    });

    it('retries a raised error per catch.retry with durable timers, then lets it go on', async () => {
      const document = flowDocument('retry-raise', {
        do: [
          {
            guarded: {
              try: [{ fail: { raise: { error: { type: 'https://example.com/errors/busy', status: 503 } } } }],
              catch: {
                retry: { delay: { seconds: 10 }, backoff: { exponential: {} }, limit: { attempt: { count: 3 } } },
              },
            },
          },
        ],
      });
      const run = await runFlow(harness, document, {});
      await expectFlowFailure(run.outcome);
      const history = await run.handle.fetchHistory();
      const timers = (history.events ?? []).filter((event) => event.timerStartedEventAttributes);
      expect(
        timers.map((event) => Number(event.timerStartedEventAttributes?.startToFireTimeout?.seconds)),
      ).to.deep.equal([10, 20]);
    });

    it('turns catch.retry into the Temporal retry policy of the connector calls inside, and catches a business refusal by its code', async () => {
      await injectSandboxFault(harness.db.models, {
        instance: 'crm.main',
        operation: 'upsertContact',
        code: ConnectorErrorCode.VendorUnavailable,
        times: 2,
      });
      const document = flowDocument('retry-call', {
        do: [
          {
            upsert: {
              try: [
                {
                  call: {
                    call: 'crm.upsertContact',
                    with: { connector: 'crm.main', contact: '${ { email: .email } }' },
                    output: { as: '${ { contact: .id } }' },
                  },
                },
              ],
              catch: {
                errors: { with: { type: DslErrorType.communication } },
                retry: { delay: { seconds: 1 }, limit: { attempt: { count: 5 } } },
              },
            },
          },
          {
            pay: {
              try: [
                {
                  authorize: {
                    call: 'payment.authorize',
                    with: {
                      connector: 'payment.main',
                      authorization:
                        '${ { amount: { amount: 100, currency: "EUR" }, paymentMethodToken: "tok_declined_x", customerReference: "r" } }',
                    },
                  },
                },
              ],
              catch: {
                errors: { with: { title: ConnectorErrorCode.PaymentDeclined } },
                do: [{ declined: { set: { declined: true } } }],
              },
            },
          },
        ],
      });
      const run = await runFlow(harness, document, { email: `${uniqueId('retry')}@customer.example` });
      expect(await run.outcome).to.deep.equal({ declined: true });
      const history = await run.handle.fetchHistory();
      const upsertAttempts = (history.events ?? [])
        .map((event) => event.activityTaskStartedEventAttributes?.attempt)
        .filter((attempt): attempt is number => typeof attempt === 'number');
      expect(upsertAttempts[0], 'the first call succeeded on its third attempt').to.equal(3);
      expect(upsertAttempts[1], 'a business refusal is not retried').to.equal(1);
    });
  });

  describe('wait and listen', () => {
    it('waits on a durable timer', async () => {
      const run = await runFlow(harness, flowDocument('wait', { do: [{ pause: { wait: 'PT1H' } }] }), { kept: 1 });
      expect(await run.outcome).to.deep.equal({ kept: 1 });
      const history = await run.handle.fetchHistory();
      expect((history.events ?? []).some((event) => event.timerStartedEventAttributes)).to.equal(true);
    });

    it('waits for an event sent by the event update, refusing events nobody waits for', async () => {
      const document = flowDocument('listen', {
        do: [
          {
            approval: {
              listen: { to: { one: { with: { type: 'com.example.approval.granted' } } } },
              timeout: { after: { hours: 24 } },
              output: { as: '${ .[0] }' },
            },
          },
        ],
      });
      let refusal: unknown;
      let receipt: FlowEventReceipt | undefined;
      const run = await runFlow(harness, document, {}, async (handle) => {
        refusal = await sendEvent(handle, { type: 'com.example.other' }).catch((error: unknown) => error);
        receipt = await sendEvent(handle, { type: 'com.example.approval.granted', data: { by: 'boss@example.com' } });
      });
      expect(await run.outcome).to.deep.equal({ by: 'boss@example.com' });
      expect(receipt).to.deep.equal({ accepted: true, task: '/do/0/approval' });
      expect(String((refusal as { cause?: Error }).cause?.message)).to.match(
        /No listen task of this run waits for an event of type com.example.other/,
      );
    });

    it('raises a timeout error when no event arrives in time, which a try can catch', async () => {
      const document = flowDocument('listen-timeout', {
        do: [
          {
            guarded: {
              try: [{ approval: { listen: { to: { any: [] } }, timeout: { after: { hours: 1 } } } }],
              catch: {
                errors: { with: { type: DslErrorType.timeout } },
                do: [{ expired: { set: { expired: true } } }],
              },
            },
          },
        ],
      });
      const run = await runFlow(harness, document, {});
      expect(await run.outcome).to.deep.equal({ expired: true });
    });
  });

  describe('run: workflow', () => {
    it('runs a catalog process as a child workflow and takes its result', async () => {
      const orderId = uniqueId('CHILD');
      const document = flowDocument('child', {
        do: [
          {
            order: {
              run: {
                workflow: {
                  namespace: 'junction',
                  name: 'orderToCash',
                  version: '1.0.0',
                  input: {
                    orderId: '${ .id }',
                    customer: { email: 'child@customer.example', firstName: 'A', lastName: 'B' },
                    currency: 'EUR',
                    lines: [{ sku: 'SKU-1', quantity: 1, unitAmount: 900 }],
                    payment: { token: 'tok_visa' },
                  },
                },
              },
              output: { as: '${ { salesOrderId, total } }' },
            },
          },
        ],
      });
      const run = await runFlow(harness, document, { id: orderId });
      const result = (await run.outcome) as { salesOrderId: string; total: unknown };
      expect(result.salesOrderId).to.be.a('string').and.not.empty;
      expect(result.total).to.deep.equal({ amount: 900, currency: 'EUR' });
    });
  });

  describe('run: workflow input checks', () => {
    it('fails the task before starting a catalog process whose input does not fit its schema', async () => {
      const document = flowDocument('child-bad-input', {
        do: [
          {
            order: {
              run: {
                workflow: {
                  namespace: 'junction',
                  name: 'orderToCash',
                  version: '1.0.0',
                  input: { orderId: '${ .id }' },
                },
              },
            },
          },
        ],
      });
      const run = await runFlow(harness, document, { id: uniqueId('BAD') });
      const failure = await expectFlowFailure(run.outcome);
      expect(failure.error.type).to.equal(DslErrorType.validation);
      expect(failure.message).to.include('Task /do/0/order: the input does not fit orderToCash: customer:');
      const history = await run.handle.fetchHistory();
      expect(
        (history.events ?? []).some((event) => event.startChildWorkflowExecutionInitiatedEventAttributes),
      ).to.equal(false);
    });
  });

  describe('run: workflow of a published flow', () => {
    it('runs the published sub-flow as a child pinned to the named version, and refuses an unpublished one', async () => {
      const flows = createFlowsService({
        flowVersions: harness.db.models.FlowVersion,
        validationContext: registryValidationContext(harness.registry),
      });
      const subName = uniqueId('greeter').toLowerCase();
      await flows.publish({
        text: JSON.stringify(
          flowDocument(subName, { do: [{ greet: { set: { greeting: '${ "Hello, \\(.name)" }' } } }] }),
        ),
        mediaType: 'application/json',
        actor: 'test',
      });
      const parent = (version: string) =>
        flowDocument('parent', {
          do: [
            {
              child: {
                run: { workflow: { namespace: 'test', name: subName, version, input: { name: '${ .who }' } } },
                output: { as: '${ .greeting }' },
              },
            },
          ],
        });
      const models = { models: harness.db.models };
      const run = await runFlow(harness, parent('1.0.0'), { who: 'Ada' }, undefined, models);
      expect(await run.outcome).to.equal('Hello, Ada');
      const unpublished = await runFlow(harness, parent('9.9.9'), { who: 'Ada' }, undefined, models);
      const failure = await expectFlowFailure(unpublished.outcome);
      expect(failure.message).to.include(`run.workflow names flow ${subName}@9.9.9, which is not published`);
    });
  });

  describe('failures and cancellation', () => {
    it('fails the task non-retryably with a readable message when an expression fails on its data', async () => {
      const document = flowDocument('bad-expression', { do: [{ compute: { set: { total: '${ .amount + 1 }' } } }] });
      const run = await runFlow(harness, document, { amount: 'ten' });
      const failure = await expectFlowFailure(run.outcome);
      expect(failure.task).to.equal('/do/0/compute');
      expect(failure.error.type).to.equal(DslErrorType.expression);
      expect(failure.message).to.include('${ .amount + 1 } failed: string ("ten") and number (1) cannot be added');
    });

    it('when cancelled while waiting, then the completed calls are compensated and the run ends cancelled', async () => {
      const document = flowDocument('cancelled', {
        do: [
          ...customerAndSalesOrder,
          { approval: { listen: { to: { one: { with: { type: 'never' } } } } } },
          { done: { set: { done: true }, then: 'end' } },
          cancelSalesOrder,
        ],
      });
      const run = await runFlow(harness, document, { id: uniqueId('CX') }, async (handle) => {
        await harness.env.sleep('1 minute');
        await handle.cancel();
      });
      await run.outcome.catch(() => undefined);
      expect(run.progress.status).to.equal('CANCELLED');
      expect(run.progress.compensations).to.deep.equal([{ step: 'cancelSalesOrder', outcome: 'done' }]);
    });
  });
});
