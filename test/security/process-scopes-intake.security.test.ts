/**
 * Security model, scopes per process (issue 10, item 3) on the intake's API side: a CSV import
 * cannot choose infrastructure (a `connectors.payment` column) unless its event source allows it;
 * an import and a dead-letter replay need the right to start the source's process, and a key
 * limited to processes reads and replays only their dead letters.
 */
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { loadConfig } from '../../config';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import { keyedCall, replyOf, type Reply } from '../support/api-client';
import { openIntakeApi, type IntakeApi } from '../support/intake-stack';
import { uniqueId } from '../support/order-fixtures';
import { getDevServer } from '../support/temporal-test-servers';
import { expectLacks } from './fixtures/scope-refusals';

describe("security: imported rows and dead letters stay within their source's process and scopes", function () {
  this.timeout(120_000);
  const SECRETS = { ORDERS_SECRET: 'orders-secret-0123456789' };
  const sourcesYaml = `
sources:
  orders:
    signature: { scheme: hmac-sha256, header: X-Orders-Hmac, secret: '\${ORDERS_SECRET}' }
    eventId: { path: orderId }
    process: { type: orderToCash, mode: start, businessKey: orderId }
  routed-orders:
    signature: { scheme: hmac-sha256, header: X-Orders-Hmac, secret: '\${ORDERS_SECRET}' }
    eventId: { path: orderId }
    process: { type: orderToCash, mode: start, businessKey: orderId, allowInfrastructureFields: true }
  notices:
    signature: { scheme: hmac-sha256, header: X-Orders-Hmac, secret: '\${ORDERS_SECRET}' }
    eventId: { path: eventId }
    process: { type: notificationFanout, mode: start, businessKey: eventId }
`;
  let intakeApi: IntakeApi;
  let connection: Connection;
  let writerKey: string;
  let orderKey: string;
  let ordersKey: string;

  before(async () => {
    const server = await getDevServer();
    connection = await Connection.connect({ address: server.address });
    const temporal = new Client({ connection, namespace: server.namespace });
    const config = loadConfig({
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      TEMPORAL_TASK_QUEUE: uniqueId('sec-scopes-import'),
      REDIS_URL: 'redis://127.0.0.1:6379/8',
    });
    intakeApi = await openIntakeApi({
      label: 'sec_scopes_import',
      config,
      temporal,
      catalog: [...PROCESS_CATALOG],
      sourcesYaml,
      secrets: SECRETS,
      queueName: uniqueId('sec-scopes-import'),
    });
    writerKey = await intakeApi.createKey('importer', ['runs:read', 'runs:write']);
    orderKey = await intakeApi.createKey('order-importer', ['runs:write:orderToCash']);
    ordersKey = await intakeApi.createKey('order-operator', ['runs:read:orderToCash', 'runs:write:orderToCash']);
  });

  after(async () => {
    await intakeApi?.close();
    await connection?.close();
  });

  const header = 'orderId,customer.email,customer.firstName,customer.lastName,currency,lines:json,payment.token';
  const row = (orderId: string) =>
    `${orderId},${orderId.toLowerCase()}@customer.example,Ada,Lovelace,EUR,"[{""sku"":""SKU-1"",""quantity"":1,""unitAmount"":500}]",tok_visa`;

  async function postCsv(source: string, file: string, bearer: string): Promise<Reply> {
    const response = await fetch(`${intakeApi.api.url}/v1/imports?source=${source}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${bearer}` },
      body: file,
    });
    return replyOf(response);
  }

  it('when a CSV has a connectors.payment column, then its rows are rejected naming the field and nothing is stored', async () => {
    const [routed, plain] = [uniqueId('IMP-R'), uniqueId('IMP-P')];
    const file = [`${header},connectors.payment`, `${row(routed)},payment.main`, `${row(plain)},`].join('\n');
    const reply = await postCsv('orders', file, writerKey);
    expect(reply.status, reply.text).to.equal(202);
    const report = reply.body as {
      counts: { accepted: number; rejected: number };
      rejections: { line: number; errors: { field: string; message: string }[] }[];
    };
    // The empty cell leaves the field out: that row leaves the choice to the deployment and is accepted.
    expect(report.counts).to.include({ accepted: 1, rejected: 1 });
    expect(report.rejections).to.have.length(1);
    expect(report.rejections[0]!.line).to.equal(2);
    expect(report.rejections[0]!.errors.map((error) => error.field)).to.deep.equal(['connectors']);
    expect(await intakeApi.intake.inbox.find('orders', routed)).to.equal(null);
    expect(await intakeApi.intake.inbox.find('orders', plain)).not.to.equal(null);
  });

  it('when the source allows infrastructure fields, then the same row is accepted', async () => {
    const routed = uniqueId('IMP-A');
    const reply = await postCsv(
      'routed-orders',
      [`${header},connectors.payment`, `${row(routed)},payment.main`].join('\n'),
      writerKey,
    );
    expect(reply.status, reply.text).to.equal(202);
    expect((reply.body as { counts: { accepted: number } }).counts.accepted).to.equal(1);
    const stored = await intakeApi.intake.inbox.find('routed-orders', routed);
    const command = typeof stored?.command === 'string' ? (JSON.parse(stored.command) as unknown) : stored?.command;
    expect((command as { input?: { connectors?: unknown } } | undefined)?.input?.connectors).to.deep.equal({
      payment: 'payment.main',
    });
  });

  it('when a key limited to orderToCash imports into a notificationFanout source, then 403 before the file is read; into an order source it works', async () => {
    const refused = await postCsv(
      'notices',
      'eventId,subject,text,recipients:json\nn-1,Hi,Hello,"[{""email"":""a@example.com""}]"',
      orderKey,
    );
    expectLacks(refused, 'runs:write:notificationFanout');
    const allowed = await postCsv('orders', [header, row(uniqueId('IMP-O'))].join('\n'), orderKey);
    expect(allowed.status, allowed.text).to.equal(202);
  });

  it('when a key limited to orderToCash reads or replays dead letters, then only orderToCash ones; by filter it is refused, and runs:write replays any', async () => {
    const orderEvent = uniqueId('DL-O');
    const noticeEvent = uniqueId('dl-n');
    expect((await postCsv('orders', [header, row(orderEvent)].join('\n'), writerKey)).status).to.equal(202);
    const notices = await postCsv(
      'notices',
      `eventId,subject,text,recipients:json\n${noticeEvent},Hi,Hello,"[{""email"":""a@example.com""}]"`,
      writerKey,
    );
    expect(notices.status, notices.text).to.equal(202);
    const { inbox } = intakeApi.intake;
    const [orderLetter, noticeLetter] = [
      (await inbox.find('orders', orderEvent))!,
      (await inbox.find('notices', noticeEvent))!,
    ];
    for (const letter of [orderLetter, noticeLetter])
      await inbox.markDead(letter.id, { attempts: 5, reason: 'max-attempts', error: 'Temporal unreachable (test)' });
    const stillDead = async (id: string) => expect((await inbox.get(id))!.status).to.equal('dead');

    const orders = keyedCall(
      () => intakeApi.api.url,
      () => ordersKey,
    );
    const listed = await orders<{ items: { id: string; workflowType: string }[] }>(
      'GET',
      '/v1/dead-letters?pageSize=500',
    );
    expect(listed.status, listed.text).to.equal(200);
    expect(listed.body.items.map((item) => item.id))
      .to.include(orderLetter.id)
      .and.not.include(noticeLetter.id);
    expect(new Set(listed.body.items.map((item) => item.workflowType))).to.deep.equal(new Set(['orderToCash']));
    expectLacks(await orders('GET', `/v1/dead-letters/${noticeLetter.id}`), 'runs:read:notificationFanout');
    expectLacks(await orders('POST', `/v1/dead-letters/${noticeLetter.id}/replay`), 'runs:write:notificationFanout');
    expectLacks(
      await orders('POST', '/v1/dead-letters/replay', { body: { ids: [orderLetter.id, noticeLetter.id] } }),
      'runs:write:notificationFanout',
    );
    expectLacks(await orders('POST', '/v1/dead-letters/replay', { body: { source: 'notices' } }), 'runs:write');
    await stillDead(orderLetter.id);
    await stillDead(noticeLetter.id);

    const replayed = await orders('POST', `/v1/dead-letters/${orderLetter.id}/replay`);
    expect(replayed.status, replayed.text).to.equal(202);
    expect(replayed.body).to.deep.include({ replayed: 1 });
    const writer = keyedCall(
      () => intakeApi.api.url,
      () => writerKey,
    );
    const all = await writer('POST', '/v1/dead-letters/replay', { body: { source: 'notices' } });
    expect(all.status, all.text).to.equal(202);
    expect(all.body.ids).to.include(noticeLetter.id);
  });
});
