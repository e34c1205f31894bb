/**
 * TEMPORAL_PAYLOAD_ENCRYPTION=on end to end, wired as the roles wire it (connectTemporalClient,
 * createJunctionWorker with payloadCodecOf): orderToCash through the API on the dev server with
 * sandbox connectors and SMTP; the raw history is read without any codec.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { JSONToPayload, payloadToJSON, type JSONPayload } from '../../server/temporal/sdk-internals';
import { temporal as proto } from '@temporalio/proto';
import { createActivities } from '../../activities';
import { loadApprovalPolicies } from '../../server/approvals/approval-policies-file';
import { loadConfig, type Config } from '../../config';
import { createDefaultRegistry, type ConnectorRegistry } from '../../connectors/registry';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { connectTemporalClient, type TemporalClients } from '../../server/temporal/connection';
import { payloadCodecOf } from '../../server/temporal/payload-codec';
import { bundleWorkflows, createJunctionWorker, type JunctionWorker } from '../../server/worker/worker';
import type { OrderToCashInput } from '../../workflows/order-to-cash/order-to-cash.types';
import { call, expectProblem, keyedCall, waitForRun, type Reply } from '../support/api-client';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEMPORAL_CLI_PATH } from '../../scripts/tool-paths';
import { registryDeps } from '../../server/connectors/registry-deps';

const MASTER_KEY = 'payload-test-master-key-0123456789abcdef';
const UI_ORIGIN = 'http://127.0.0.1:8233';

type HistoryEvent = proto.api.history.v1.IHistoryEvent;

interface RunView {
  status: string;
  result?: { salesOrderId: string; paymentId: string; confirmationMessageId: string };
  failure?: { message: string; type: string | null; cause: { message: string } | null };
}

describe('payload encryption (TEMPORAL_PAYLOAD_ENCRYPTION=on): ciphertext in Temporal, plaintext through the API and the codec endpoint', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let smtp: SmtpSink;
  let config: Config;
  let registry: ConnectorRegistry;
  let clients: TemporalClients;
  let worker: JunctionWorker;
  let api: RunningApiServer;
  let readKey: string;
  let shopKey: string;
  let writeOnlyKey: string;
  const keyed = keyedCall(
    () => api.url,
    () => shopKey,
  );

  before(async function () {
    // An encrypting worker runs only a bundle whose workflow code encodes its failures (createJunctionWorker checks).
    const [database, sink, server, bundle] = await Promise.all([
      createTestDatabase('payload_enc'),
      startSmtpSink(),
      getDevServer(),
      bundleWorkflows({ encodeFailures: true }),
    ]);
    db = database;
    smtp = sink;
    config = loadConfig(
      {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: server.namespace,
        TEMPORAL_TASK_QUEUE: uniqueId('payload-enc'),
        TEMPORAL_PAYLOAD_ENCRYPTION: 'on',
        JUNCTION_MASTER_KEY: MASTER_KEY,
        DATABASE_URL: db.url,
        SMTP_URL: smtp.url,
        LOG_LEVEL: 'error',
      },
      false,
    );
    registry = createDefaultRegistry(registryDeps(config, db.models));
    worker = await createJunctionWorker(
      {
        address: server.address,
        namespace: server.namespace,
        taskQueue: config.temporal.taskQueue,
        shutdownGraceSeconds: 5,
        workflowBundle: bundle,
        payloadCodec: payloadCodecOf(config),
      },
      createActivities({
        connectors: registry,
        models: db.models,
        approvalPolicies: await loadApprovalPolicies(config.approvalPoliciesFile),
      }),
    );
    void worker.run();
    clients = await connectTemporalClient(config);
    api = await startApiServer(
      createApp({ config, temporal: clients.client, models: db.models, connectors: registry }),
      0,
    );
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    readKey = (await keys.createKey({ name: 'ops-ui', scopes: ['runs:read'] })).key;
    shopKey = (await keys.createKey({ name: 'shop', scopes: ['runs:read', 'runs:write'] })).key;
    writeOnlyKey = (await keys.createKey({ name: 'importer', scopes: ['runs:write'] })).key;
  });

  after(async function () {
    await api?.close();
    await worker?.shutdown();
    await clients?.close();
    await registry?.close();
    await smtp?.close();
    await db?.destroy();
  });

  async function rawHistory(workflowId: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await clients.client.workflowService.getWorkflowExecutionHistory({
        namespace: config.temporal.namespace,
        execution: { workflowId },
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return events;
  }

  const codecCall = (
    path: string,
    payloads: JSONPayload[],
    options: { key?: string | null; headers?: Record<string, string> } = {},
  ) =>
    call<{ payloads: JSONPayload[] }>(api.url, 'POST', path, {
      body: { payloads },
      headers: { 'x-namespace': config.temporal.namespace, ...options.headers },
      ...(options.key === null ? {} : { bearer: options.key ?? readKey }),
    });

  let input: OrderToCashInput;
  let startedInput: Payload;
  let workflowId: string;

  it('when an order runs, then its history holds no readable payload (only search attributes stay plain), and the API shows the decoded result', async () => {
    input = newOrderInput();
    const started = await keyed<{ workflowId: string }>('POST', '/v1/runs', { body: { type: 'orderToCash', input } });
    expect(started.status, started.text).to.equal(202);
    workflowId = started.body.workflowId;
    const readable = await waitForRun<RunView>(
      keyedCall(
        () => api.url,
        () => readKey,
      ),
      started.body.workflowId,
      undefined,
      { timeoutMs: 90_000 },
    );
    expect(readable.status).to.equal('COMPLETED');
    expect(readable.result?.salesOrderId).to.be.a('string').and.not.equal('');
    expect(readable.result?.confirmationMessageId).to.equal(
      (await smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`)).messageId,
    );

    const events = await rawHistory(started.body.workflowId);
    const startedEvent = events[0]!.workflowExecutionStartedEventAttributes!;
    startedInput = startedEvent.input!.payloads![0]!;
    expect(Buffer.from(startedInput.metadata!.encoding!).toString()).to.equal('binary/encrypted');

    // Temporal indexes search attributes, so no codec can encrypt them: CustomerEmail stays readable there, by design.
    const searchAttributes = Buffer.from(
      proto.api.common.v1.SearchAttributes.encode(startedEvent.searchAttributes ?? {}).finish(),
    ).toString('latin1');
    expect(searchAttributes).to.contain(input.customer.email);
    const withoutSearchAttributes = events.map((event) => {
      const copy = proto.api.history.v1.HistoryEvent.fromObject(
        proto.api.history.v1.HistoryEvent.toObject(proto.api.history.v1.HistoryEvent.create(event)),
      );
      if (copy.workflowExecutionStartedEventAttributes)
        copy.workflowExecutionStartedEventAttributes.searchAttributes = null;
      if (copy.upsertWorkflowSearchAttributesEventAttributes)
        copy.upsertWorkflowSearchAttributesEventAttributes.searchAttributes = null;
      return copy;
    });
    const bytes = Buffer.from(
      proto.api.history.v1.History.encode({ events: withoutSearchAttributes }).finish(),
    ).toString('latin1');
    expect(bytes.length).to.be.greaterThan(1000);
    for (const secret of [
      input.customer.email,
      input.customer.lastName,
      'tok_visa',
      'SKU-1',
      readable.result!.salesOrderId,
    ]) {
      expect(bytes, secret).not.to.contain(secret);
    }
    // Every payload is encrypted except the SDK's own patch markers (a patch id, written by the core SDK, not through the codec).
    const plainEvents = withoutSearchAttributes.filter((event) =>
      Buffer.from(proto.api.history.v1.HistoryEvent.encode(event).finish()).toString('latin1').includes('json/plain'),
    );
    expect(
      plainEvents
        .map((event) => event.markerRecordedEventAttributes?.markerName ?? `event type ${event.eventType}`)
        .filter((name) => name !== 'core_patch'),
    ).to.deep.equal([]);
    expect(bytes).to.contain('binary/encrypted');
  });

  it('when an order fails, then its failure messages and stack traces are ciphertext in the history, and GET /v1/runs/:id shows them decoded', async () => {
    const declined = newOrderInput({ payment: { token: 'tok_declined_card' } });
    const started = await keyed<{ workflowId: string }>('POST', '/v1/runs', {
      body: { type: 'orderToCash', input: declined },
    });
    expect(started.status, started.text).to.equal(202);
    const run = await waitForRun<RunView>(
      keyedCall(
        () => api.url,
        () => readKey,
      ),
      started.body.workflowId,
      undefined,
      { timeoutMs: 90_000 },
    );
    expect(run.status).to.equal('FAILED');
    expect(run.failure?.message).to.equal(
      `Order ${declined.orderId} failed at authorizePayment: payment.main: payment declined: Your card was declined.`,
    );

    const events = await rawHistory(started.body.workflowId);
    const failures = events.flatMap((event) =>
      [event.workflowExecutionFailedEventAttributes?.failure, event.activityTaskFailedEventAttributes?.failure].filter(
        (failure) => failure,
      ),
    );
    expect(failures.length, 'the run failed, and so did an activity').to.be.at.least(2);
    for (const failure of failures) {
      for (let link = failure; link; link = link.cause) {
        expect(link.message).to.equal('Encoded failure');
        expect(link.stackTrace ?? '').to.equal('');
        expect(Buffer.from(link.encodedAttributes!.metadata!.encoding!).toString()).to.equal('binary/encrypted');
      }
    }
    const bytes = Buffer.from(proto.api.history.v1.History.encode({ events }).finish()).toString('latin1');
    for (const clear of ['failed at authorizePayment', 'payment declined', 'card was declined', 'at async', '.ts:'])
      expect(bytes, clear).not.to.contain(clear);
  });

  it('when the Web UI posts a payload from that history to /codec/decode, then it gets the order input back', async () => {
    const reply = await codecCall('/codec/decode', [payloadToJSON(startedInput)], { headers: { origin: UI_ORIGIN } });
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.headers.get('access-control-allow-origin')).to.equal(UI_ORIGIN);
    expect(reply.body.payloads).to.have.length(1);
    expect(defaultPayloadConverter.fromPayload(JSONToPayload(reply.body.payloads[0]!))).to.deep.equal(input);
  });

  it('when the Temporal CLI shows the run with --codec-endpoint and a runs:read key, then it prints the decoded input', async () => {
    const show = (codecArgs: string[]) =>
      promisify(execFile)(TEMPORAL_CLI_PATH, [
        'workflow',
        'show',
        '--address',
        config.temporal.address!,
        '--namespace',
        config.temporal.namespace,
        '--workflow-id',
        workflowId,
        '--output',
        'json',
        ...codecArgs,
      ]);
    const inputOf = (stdout: string): JSONPayload =>
      (
        JSON.parse(stdout) as {
          events: { workflowExecutionStartedEventAttributes?: { input: { payloads: JSONPayload[] } } }[];
        }
      ).events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
    const withoutCodec = inputOf((await show([])).stdout);
    expect(Buffer.from(withoutCodec.metadata!.encoding!, 'base64').toString()).to.equal('binary/encrypted');
    const decoded = inputOf(
      (await show(['--codec-endpoint', `${api.url}/codec`, '--codec-auth', `Bearer ${readKey}`])).stdout,
    );
    expect(defaultPayloadConverter.fromPayload(JSONToPayload(decoded))).to.deep.equal(input);
  });

  it('when a runs:write caller encodes a payload with /codec/encode, then it is encrypted and /codec/decode opens it; a plain one passes decode unchanged', async () => {
    const plain = payloadToJSON(defaultPayloadConverter.toPayload({ note: 'typed into the Web UI' }));
    const encoded = await codecCall('/codec/encode', [plain], { key: shopKey });
    expect(encoded.status, encoded.text).to.equal(200);
    expect(Buffer.from(encoded.body.payloads[0]!.metadata!.encoding!, 'base64').toString()).to.equal(
      'binary/encrypted',
    );
    expect(Buffer.from(encoded.body.payloads[0]!.data!, 'base64').toString('latin1')).not.to.contain('typed into');
    const decoded = await codecCall('/codec/decode', [encoded.body.payloads[0]!, plain]);
    expect(decoded.status, decoded.text).to.equal(200);
    expect(decoded.body.payloads).to.deep.equal([plain, plain]);
  });

  it('when a payload was altered or comes from another key, then /codec/decode answers 400 naming why', async () => {
    const tampered = payloadToJSON(startedInput);
    const data = Buffer.from(tampered.data!, 'base64');
    data[data.length - 1] = data[data.length - 1]! ^ 0x01;
    const altered = await codecCall('/codec/decode', [{ ...tampered, data: data.toString('base64') }]);
    expectProblem(altered, 400, 'payload-tampered');
    const foreign = {
      ...tampered,
      metadata: { ...tampered.metadata, 'encryption-key-id': Buffer.from('0000000000000000').toString('base64') },
    };
    const unknown = (await codecCall('/codec/decode', [foreign])) as unknown as Reply;
    expectProblem(unknown, 400, 'payload-unknown-key');
    expect(unknown.body.detail).to.contain('0000000000000000').and.contain('JUNCTION_PREVIOUS_MASTER_KEYS');
  });

  it('when the caller has no credential, lacks runs:read (decode) or runs:write (encode), names another namespace or sends no Payloads, then the codec refuses', async () => {
    const payload = payloadToJSON(startedInput);
    expectProblem(await codecCall('/codec/decode', [payload], { key: null }), 401);
    expectProblem(await codecCall('/codec/decode', [payload], { key: writeOnlyKey }), 403);
    expectProblem(
      await codecCall('/codec/encode', [payloadToJSON(defaultPayloadConverter.toPayload({ forged: true }))], {
        key: readKey,
      }),
      403,
    );
    expectProblem(
      await codecCall('/codec/decode', [payload], { headers: { 'x-namespace': 'someone-else' } }),
      400,
      'namespace-mismatch',
    );
    const notPayloads = await call(api.url, 'POST', '/codec/decode', {
      bearer: readKey,
      body: { payloads: [{ data: 'not base64!' }] },
    });
    expectProblem(notPayloads, 400, 'validation-error');
  });

  it('when a browser preflights from the Web UI origin, then CORS allows it; from any other origin, it does not', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const allowed = await preflight(UI_ORIGIN);
    expect(allowed.status).to.equal(204);
    expect(allowed.headers.get('access-control-allow-origin')).to.equal(UI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase())
      .to.contain('x-namespace')
      .and.contain('authorization');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('when encryption is off, then there is no codec endpoint', async () => {
    const off = loadConfig(
      { TEMPORAL_ADDRESS: config.temporal.address!, DATABASE_URL: db.url, LOG_LEVEL: 'error' },
      false,
    );
    const plainApi = await startApiServer(
      createApp({ config: off, temporal: clients.client, models: db.models, connectors: registry }),
      0,
    );
    try {
      const reply = await call(plainApi.url, 'POST', '/codec/decode', { bearer: readKey, body: { payloads: [] } });
      expect(reply.status).to.equal(404);
    } finally {
      await plainApi.close();
    }
  });
});
