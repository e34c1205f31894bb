import { expect } from 'chai';
import { parseDeliveryCommand, typedSearchAttributesOf } from '../../server/intake/delivery-command';
import { formatEventPath, parseEventPath, valueAt } from '../../server/intake/event-path';
import { eventIdOf, mapEvent, type InputPreparation } from '../../server/intake/event-mapping';
import { parseEventSourcesFile } from '../../server/intake/event-sources-file';
import type { EventSource } from '../../server/intake/event-source';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import { BusinessKey } from '../../workflows/shared/search-attributes';
import { intakeRecorderProcess } from '../support/intake-recorder.process';
import { refusal } from '../support/expect-app-error';

const catalog = [...PROCESS_CATALOG, intakeRecorderProcess('unit')];
const noDeployment: InputPreparation = {
  connectorDefaults: {},
  deployment: { unsupportedOperations: () => undefined },
};

function sources(): Record<string, EventSource> {
  const list = parseEventSourcesFile(
    `
sources:
  shop:
    signature: { scheme: hmac-sha256, header: X-Sig, secret: '\${S}' }
    eventId: { header: X-Event-Id, trustUnsignedHeader: true }
    process: { type: intakeRecorder, mode: signalWithStart, businessKey: order.key, input: order, signal: recordEvent }
  portal:
    signature: { scheme: hmac-sha256, header: X-Sig, secret: '\${S}' }
    eventId: { path: meta.id }
    process: { type: intakeRecorder, mode: signal, businessKey: key, signal: recordEvent, argument: payload, workflowId: 'unit-{businessKey}' }
  orders:
    signature: { scheme: hmac-sha256, header: X-Sig, secret: '\${S}' }
    eventId: { path: id }
    process: { type: orderToCash, mode: start, businessKey: order.orderId, input: order }
`,
    { S: 'secret' },
    catalog,
  );
  return Object.fromEntries(list.map((source) => [source.name, source]));
}

const order = {
  orderId: 'O-1',
  customer: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
  currency: 'EUR',
  lines: [{ sku: 'SKU-1', quantity: 2, unitAmount: 1999 }],
  payment: { token: 'tok_visa' },
};

describe('intake event paths and mapping', () => {
  it('reads dotted paths with indexes, own properties only', () => {
    expect(parseEventPath('$')).to.deep.equal([]);
    expect(parseEventPath('$.data.lines[1].sku')).to.deep.equal(['data', 'lines', 1, 'sku']);
    expect(valueAt({ data: { lines: [{ sku: 'a' }, { sku: 'b' }] } }, ['data', 'lines', 1, 'sku'])).to.equal('b');
    expect(valueAt({ a: 1 }, ['constructor'])).to.equal(undefined);
    expect(valueAt({ a: [1] }, ['a', 'length'])).to.equal(undefined);
    expect(formatEventPath(['lines', 0, 'sku'])).to.equal('lines[0].sku');
    expect(() => parseEventPath('a[b]')).to.throw('is not a path');
  });

  it('takes the event id from its header or path; numbers count, blanks and objects do not', () => {
    const { shop, portal } = sources();
    expect(eventIdOf(shop!, (name) => (name === 'X-Event-Id' ? 'evt-1' : undefined), {})).to.equal('evt-1');
    expect(eventIdOf(portal!, () => undefined, { meta: { id: 42 } })).to.equal('42');
    const missing = refusal(() => eventIdOf(portal!, () => undefined, { meta: { id: ' ' } }));
    expect(missing.status).to.equal(400);
    expect(missing.code).to.equal('missing-event-id');
    expect(missing.errors).to.deep.equal([
      { field: 'meta.id', message: 'must be a non-empty string (at most 255 characters) or a number' },
    ]);
    expect(refusal(() => eventIdOf(shop!, () => undefined, {})).errors![0]!.field).to.equal('X-Event-Id');
  });

  it('maps signal-with-start: workflow id and search attributes from the process, the input and the signal argument validated', () => {
    const event = { kind: 'created', order: { key: 'K-1', amount: 5 } };
    const mapped = mapEvent(sources().shop!, event, 'evt-1', noDeployment);
    expect(mapped.businessKey).to.equal('K-1');
    expect(mapped.command).to.deep.equal({
      mode: 'signalWithStart',
      workflowType: 'intakeRecorder',
      workflowId: 'unit-K-1',
      input: { key: 'K-1', amount: 5 },
      searchAttributes: [{ name: 'BusinessKey', type: 'KEYWORD', value: 'K-1' }],
      message: { name: 'recordEvent', arg: event },
    });
    // What the inbox stores reads back as the same Temporal call.
    const stored = parseDeliveryCommand(JSON.stringify(mapped.command));
    expect(typedSearchAttributesOf(stored.searchAttributes!)).to.deep.equal([{ key: BusinessKey, value: 'K-1' }]);
  });

  it('refuses an event its process cannot take, naming the field as the event has it', () => {
    const { shop } = sources();
    expect(
      refusal(() => mapEvent(shop!, { kind: 'x', order: { key: 'K', amount: -1 } }, 'e', noDeployment)).errors,
    ).to.deep.equal([{ field: 'order.amount', message: 'Too small: expected number to be >0' }]);
    expect(refusal(() => mapEvent(shop!, { kind: 'x' }, 'e', noDeployment)).errors).to.deep.equal([
      { field: 'order.key', message: 'must be a non-empty string or a number (the business key of intakeRecorder)' },
    ]);
    expect(refusal(() => mapEvent(shop!, { order: { key: 'K', amount: 1 } }, 'e', noDeployment)).errors).to.deep.equal([
      { field: 'kind', message: 'Invalid input: expected string, received undefined' },
    ]);
  });

  it('maps a signal to the run the workflow id template names, with the argument at its path', () => {
    const mapped = mapEvent(
      sources().portal!,
      { key: 'R-7', payload: { kind: 'note', text: 'hi' } },
      'p-1',
      noDeployment,
    );
    expect(mapped.command).to.deep.equal({
      mode: 'signal',
      workflowType: 'intakeRecorder',
      workflowId: 'unit-R-7',
      message: { name: 'recordEvent', arg: { kind: 'note', text: 'hi' } },
    });
    expect(refusal(() => mapEvent(sources().portal!, { key: 'R-7' }, 'p-1', noDeployment)).errors).to.deep.equal([
      { field: 'payload', message: 'is missing (the recordEvent signal argument)' },
    ]);
  });

  it('completes an input from the deployment as POST /v1/runs does, and insists the business key agrees with it', () => {
    const { orders } = sources();
    const preparation: InputPreparation = {
      connectorDefaults: { erp: 'erp.sap' },
      deployment: {
        unsupportedOperations: (kind, instance) => (kind === 'erp' && instance === 'erp.sap' ? ['createInvoice'] : []),
      },
    };
    const mapped = mapEvent(orders!, { id: 'evt', order }, 'evt', preparation);
    expect(mapped.command.workflowId).to.equal('order-O-1');
    expect(mapped.command.input).to.deep.include({ connectors: { erp: 'erp.sap' }, invoicing: 'erp-billing-run' });
    expect(mapped.command.searchAttributes!.map((attribute) => attribute.name)).to.deep.equal([
      'BusinessKey',
      'CustomerEmail',
      'OrderTotal',
      'ProcessStatus',
    ]);

    const badEmail = refusal(() =>
      mapEvent(orders!, { order: { ...order, customer: { ...order.customer, email: 'nope' } } }, 'e', noDeployment),
    );
    expect(badEmail.errors).to.deep.equal([{ field: 'order.customer.email', message: 'Invalid email address' }]);
  });

  it('refuses a stored command that lost what its mode needs', () => {
    expect(() => parseDeliveryCommand({ mode: 'signal', workflowType: 't', workflowId: 'w' })).to.throw(
      'needs a message',
    );
    expect(() => parseDeliveryCommand({ mode: 'start', workflowType: 't', workflowId: 'w' })).to.throw(
      'needs an input',
    );
    expect(() => parseDeliveryCommand({ mode: 'launch', workflowType: 't', workflowId: 'w' })).to.throw();
  });
});
