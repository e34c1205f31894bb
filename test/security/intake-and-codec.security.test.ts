/**
 * Security model, intake and codec (issue 10, item 5): the codec endpoint encodes only for
 * `runs:write` and only for its namespace, within the request timeout; failure messages are
 * ciphertext in an encrypted history; a webhook's event id cannot be chosen by whoever replays a
 * signed body; a CSV header cannot make rows of millions of array slots.
 */
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { JSONToPayload, payloadToJSON, type JSONPayload } from '../../server/temporal/sdk-internals';
import { expect } from 'chai';
import { ConfigError, loadConfig, type Config } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { loadEventSources } from '../../server/intake/event-sources-file';
import { connectTemporalClient, type TemporalClients } from '../../server/temporal/connection';
import { payloadCodecOf } from '../../server/temporal/payload-codec';
import { bundleWorkflows, createJunctionWorker, type JunctionWorker } from '../../server/worker/worker';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import { call, expectProblem, keyedCall, waitForRun } from '../support/api-client';
import { startIntakeStack, type IntakeStack } from '../support/intake-stack';
import { uniqueId } from '../support/order-fixtures';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventuallyFound } from '../support/eventually';
import { hmacBase64 } from '../support/webhook-signing';
import { createFailingNoticeActivities } from './fixtures/failing-notice.activities';
import { failingNoticeProcess } from './fixtures/failing-notice.process';

const MASTER_KEY = 'security-codec-master-key-0123456789abcdef';

interface FailureView {
  message: string;
  type: string | null;
  cause: FailureView | null;
}

describe('security: the codec endpoint, encrypted failures, webhook event ids and import headers through the API', function () {
  this.timeout(300_000);

  describe('payload encryption on: the codec endpoint and failures', () => {
    const prefix = uniqueId('sec-codec');
    let db: TestDatabase;
    let config: Config;
    let clients: TemporalClients;
    let worker: JunctionWorker;
    let api: RunningApiServer;
    let readKey: string;
    let writeKey: string;
    const workflowsPath = require.resolve('./fixtures/failing-notice.workflow');

    before(async () => {
      const [database, server, bundle] = await Promise.all([
        createTestDatabase('sec_codec'),
        getDevServer(),
        bundleWorkflows({ workflowsPath, encodeFailures: true }),
      ]);
      db = database;
      config = loadConfig(
        {
          TEMPORAL_ADDRESS: server.address,
          TEMPORAL_NAMESPACE: server.namespace,
          TEMPORAL_TASK_QUEUE: uniqueId('sec-codec'),
          TEMPORAL_PAYLOAD_ENCRYPTION: 'on',
          JUNCTION_MASTER_KEY: MASTER_KEY,
          DATABASE_URL: db.url,
          LOG_LEVEL: 'error',
        },
        false,
      );
      // Wired as the worker and API roles wire it: payloadCodecOf, createJunctionWorker, connectTemporalClient.
      worker = await createJunctionWorker(
        {
          address: server.address,
          namespace: server.namespace,
          taskQueue: config.temporal.taskQueue,
          shutdownGraceSeconds: 5,
          workflowBundle: bundle,
          payloadCodec: payloadCodecOf(config),
        },
        createFailingNoticeActivities(),
      );
      void worker.run();
      clients = await connectTemporalClient(config);
      api = await startApiServer(
        createApp({ config, temporal: clients.client, models: db.models, catalog: [failingNoticeProcess(prefix)] }),
        0,
      );
      const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
      readKey = (await keys.createKey({ name: 'ops-ui', scopes: ['runs:read'] })).key;
      writeKey = (await keys.createKey({ name: 'operator', scopes: ['runs:read', 'runs:write'] })).key;
    });

    after(async () => {
      await api?.close();
      await worker?.shutdown();
      await clients?.close();
      await db?.destroy();
    });

    const codec = (
      direction: 'encode' | 'decode',
      payloads: JSONPayload[],
      key: string,
      headers: Record<string, string> = {},
    ) =>
      call<{ payloads: JSONPayload[] }>(api.url, 'POST', `/codec/${direction}`, {
        bearer: key,
        body: { payloads },
        headers,
      });
    const plain = (value: unknown) => payloadToJSON(defaultPayloadConverter.toPayload(value));

    it('when a runs:read key asks /codec/encode to encrypt a payload (one the worker would trust as ours), then 403; a runs:write key gets ciphertext, which runs:read decodes', async () => {
      const forged = plain({ orderId: 'forged', payment: { token: 'tok_visa' } });
      const refused = await codec('encode', [forged], readKey);
      expectProblem(refused, 403, 'forbidden');
      expect(refused.text).to.contain('runs:write');

      const encoded = await codec('encode', [forged], writeKey);
      expect(encoded.status, encoded.text).to.equal(200);
      expect(Buffer.from(encoded.body.payloads[0]!.metadata!.encoding!, 'base64').toString()).to.equal(
        'binary/encrypted',
      );
      const decoded = await codec('decode', encoded.body.payloads, readKey);
      expect(decoded.status, decoded.text).to.equal(200);
      expect(defaultPayloadConverter.fromPayload(JSONToPayload(decoded.body.payloads[0]!))).to.deep.equal({
        orderId: 'forged',
        payment: { token: 'tok_visa' },
      });
    });

    it('when a request names another namespace in X-Namespace, then the codec refuses it, for encode and decode; its own namespace, or no header, is served', async () => {
      const payload = plain({ note: 'x' });
      for (const direction of ['encode', 'decode'] as const) {
        const other = await codec(direction, [payload], writeKey, { 'x-namespace': 'other' });
        expectProblem(other, 400, 'namespace-mismatch');
        expect((other.body as unknown as { detail: string }).detail).to.equal(
          `This codec serves namespace "${config.temporal.namespace}", not "other".`,
        );
        expect(
          (await codec(direction, [payload], writeKey, { 'x-namespace': config.temporal.namespace })).status,
        ).to.equal(200);
        expect((await codec(direction, [payload], writeKey)).status).to.equal(200);
      }
    });

    it('when a caller trickles a codec request body, then the API request timeout answers 503 for it, as on /v1', async () => {
      const timeoutMs = 500;
      const strict = loadConfig(
        {
          TEMPORAL_ADDRESS: config.temporal.address!,
          TEMPORAL_NAMESPACE: config.temporal.namespace,
          TEMPORAL_PAYLOAD_ENCRYPTION: 'on',
          JUNCTION_MASTER_KEY: MASTER_KEY,
          DATABASE_URL: db.url,
          LOG_LEVEL: 'error',
          API_REQUEST_TIMEOUT_MS: String(timeoutMs),
        },
        false,
      );
      const slowApi = await startApiServer(
        createApp({
          config: strict,
          temporal: clients.client,
          models: db.models,
          catalog: [failingNoticeProcess(prefix)],
        }),
        0,
      );
      try {
        const started = Date.now();
        const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest(`${slowApi.url}/codec/decode`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${readKey}`,
              'content-type': 'application/json',
              'content-length': '1000',
            },
          });
          req.on('response', (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          // A tenth of the declared body, and then nothing.
          req.write('{"payloads":[' + ' '.repeat(87));
        });
        const elapsed = Date.now() - started;
        expect(answer.status, answer.body).to.equal(503);
        expect(JSON.parse(answer.body)).to.include({ type: '/problems/request-timeout' });
        expect(elapsed)
          .to.be.at.least(timeoutMs - 50)
          .and.below(timeoutMs + 5_000);
      } finally {
        await slowApi.close();
      }
    });

    it("when a run fails with a customer's email in its messages, then its stored history holds only ciphertext for them, and GET /v1/runs/:id shows them decoded", async () => {
      const email = `${uniqueId('grace').toLowerCase()}@customer.example`;
      const operator = keyedCall(
        () => api.url,
        () => writeKey,
      );
      const started = await operator<{ workflowId: string }>('POST', '/v1/runs', {
        body: { type: 'failingNotice', input: { key: uniqueId('n'), email } },
      });
      expect(started.status, started.text).to.equal(202);
      const run = await waitForRun<{ status: string; failure?: FailureView }>(
        keyedCall(
          () => api.url,
          () => readKey,
        ),
        started.body.workflowId,
      );
      expect(run.status).to.equal('FAILED');
      // Decoded through the API's client (the same data converter as the worker's).
      expect(run.failure).to.deep.include({ message: `The notice to ${email} was not sent`, type: 'NoticeFailed' });
      expect(run.failure!.cause!.cause).to.deep.include({
        message: `Mailbox ${email} refused the notice`,
        type: 'MailboxRefused',
      });

      const history = await call<{ events: Record<string, { failure?: Record<string, unknown> }>[] }>(
        api.url,
        'GET',
        `/v1/runs/${started.body.workflowId}/history`,
        { bearer: readKey },
      );
      expect(history.status, history.text).to.equal(200);
      expect(history.text, 'the email anywhere in the stored history').not.to.contain(email);
      const failureOf = (type: string) => history.body.events.find((event) => event[type])?.[type]?.failure;
      for (const failure of [
        failureOf('workflowExecutionFailedEventAttributes'),
        failureOf('activityTaskFailedEventAttributes'),
      ]) {
        expect(failure, 'a failure event').to.not.equal(undefined);
        expect(failure).to.include({ message: 'Encoded failure' });
        const encoding = (failure!.encodedAttributes as { metadata: Record<string, string> }).metadata.encoding!;
        expect(Buffer.from(encoding, 'base64').toString()).to.equal('binary/encrypted');
      }
    });

    it('when an encrypting worker is given a workflow bundle that does not encode failures, then it refuses to start', async () => {
      const server = await getDevServer();
      const unsafe = await bundleWorkflows({ workflowsPath });
      const refused = await createJunctionWorker(
        {
          address: server.address,
          namespace: server.namespace,
          taskQueue: uniqueId('sec-unsafe'),
          shutdownGraceSeconds: 1,
          workflowBundle: unsafe,
          payloadCodec: payloadCodecOf(config),
        },
        createFailingNoticeActivities(),
      ).catch((error: unknown) => error);
      expect(refused).to.be.instanceOf(Error);
      expect((refused as Error).message).to.contain('bundleWorkflows({ encodeFailures: true })');
    });
  });

  describe('webhook event ids and import headers', () => {
    const prefix = uniqueId('sec-intake');
    const SECRETS = { SHOP_SECRET: 'shop-secret-sec-0123456789' };
    let stack: IntakeStack;
    let writerKey: string;

    before(async () => {
      stack = await startIntakeStack({
        label: 'sec_intake',
        prefix,
        redisUrl: 'redis://127.0.0.1:6379/9',
        queueName: uniqueId('sec-intake-queue'),
        sourcesYaml: `
sources:
  shop:
    signature: { scheme: hmac-sha256, header: X-Shop-Hmac, secret: '\${SHOP_SECRET}' }
    eventId: { path: eventId }
    process: { type: intakeRecorder, mode: start, businessKey: order.key, input: order }
  legacy:
    signature: { scheme: hmac-sha256, header: X-Shop-Hmac, secret: '\${SHOP_SECRET}' }
    eventId: { header: X-Shop-Webhook-Id, trustUnsignedHeader: true }
    process: { type: intakeRecorder, mode: start, businessKey: order.key, input: order }
`,
        secrets: SECRETS,
        consumerConcurrency: 4,
      });
      writerKey = await stack.createKey('ops', ['runs:read', 'runs:write']);
    });

    after(async () => {
      await stack?.close();
    });

    const post = async (source: string, body: string, webhookId: string) => {
      const response = await fetch(`${stack.api.url}/v1/events/${source}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'X-Shop-Hmac': hmacBase64(body, SECRETS.SHOP_SECRET),
          'X-Shop-Webhook-Id': webhookId,
        },
        body,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const inboxRows = (source: string) => stack.db.models.InboxEvent.count({ where: { source } });
    const runsOf = async (key: string) => {
      let count = 0;
      for await (const _ of stack.temporal.workflow.list({ query: `WorkflowId = '${prefix}-${key}'` })) count += 1;
      return count;
    };

    it('when a source takes its event id from a header no signature covers and does not say it trusts it, then the events file does not load, naming the source and field', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'junction-sec-sources-'));
      try {
        const file = join(dir, 'event-sources.yaml');
        await writeFile(
          file,
          `
sources:
  orders:
    signature: { scheme: hmac-sha256, header: X-Shop-Hmac, secret: '\${SHOP_SECRET}' }
    eventId: { header: X-Shop-Webhook-Id }
    process: { type: orderToCash, mode: start, businessKey: orderId }
`,
        );
        const refused = await loadEventSources({ file, env: SECRETS, catalog: PROCESS_CATALOG }).catch(
          (error: unknown) => error,
        );
        expect(refused).to.be.instanceOf(ConfigError);
        const problems = [...(refused as ConfigError).problems];
        expect(problems).to.have.length(1);
        expect(problems[0]).to.contain(
          `${file}: sources.orders.eventId.header: the hmac-sha256 signature does not cover the X-Shop-Webhook-Id header`,
        );

        await writeFile(
          file,
          `
sources:
  orders:
    signature: { scheme: hmac-sha256, header: X-Shop-Hmac, secret: '\${SHOP_SECRET}' }
    eventId: { path: orderId }
    process: { type: orderToCash, mode: start, businessKey: orderId }
`,
        );
        expect(
          (await loadEventSources({ file, env: SECRETS, catalog: PROCESS_CATALOG })).map(
            (source) => source.eventId.kind,
          ),
        ).to.deep.equal(['path']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('when a captured signed body is replayed with a fresh id header to a source whose id is in the body, then it is a duplicate: 200, one inbox row, one run; a new event is still accepted', async () => {
      const key = uniqueId('replay');
      const body = JSON.stringify({ eventId: `evt-${key}`, order: { key, amount: 5 } });
      const first = await post('shop', body, 'webhook-id-1');
      expect(first.status, JSON.stringify(first.body)).to.equal(202);
      const replayed = await post('shop', body, 'webhook-id-2');
      expect(replayed.status, JSON.stringify(replayed.body)).to.equal(200);
      expect(replayed.body).to.include({ duplicate: true, eventId: `evt-${key}`, inboxId: first.body.inboxId });

      const next = uniqueId('replay');
      expect(
        (
          await post(
            'shop',
            JSON.stringify({ eventId: `evt-${next}`, order: { key: next, amount: 6 } }),
            'webhook-id-3',
          )
        ).status,
      ).to.equal(202);
      expect(
        await stack.db.models.InboxEvent.count({ where: { source: 'shop', eventId: [`evt-${key}`, `evt-${next}`] } }),
      ).to.equal(2);
      await eventuallyFound(
        'both runs listed',
        async () => ((await runsOf(key)) === 1 && (await runsOf(next)) === 1 ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    });

    it("when a source declares it trusts an unsigned header id, then a replay under a new id is a new event (what the operator accepted), and only the process's own dedup by business key keeps it to one run", async () => {
      const key = uniqueId('legacy');
      const body = JSON.stringify({ order: { key, amount: 5 } });
      const before = await inboxRows('legacy');
      expect((await post('legacy', body, `${key}-1`)).status).to.equal(202);
      expect((await post('legacy', body, `${key}-2`)).status).to.equal(202);
      expect(await inboxRows('legacy')).to.equal(before + 2);
      await eventuallyFound(
        'both deliveries done',
        async () =>
          (await stack.db.models.InboxEvent.count({
            where: { source: 'legacy', businessKey: key, status: 'done' },
          })) === 2
            ? true
            : undefined,
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(await runsOf(key)).to.equal(1);
    });

    it('when a CSV header names junk[50000000], then the import answers 400 at once, naming the column, and writes no event; a legal file stores what the process receives, not the row', async () => {
      const rows = Array.from({ length: 2_000 }, (_, i) => `evt-junk-${i},junk-${i},5,x`);
      const file = ['eventId,order.key,order.amount:number,junk[50000000]', ...rows].join('\n');
      const inboxBefore = await stack.db.models.InboxEvent.count();
      const started = performance.now();
      const response = await fetch(`${stack.api.url}/v1/imports?source=shop`, {
        method: 'POST',
        headers: { authorization: `Bearer ${writerKey}`, 'content-type': 'text/csv' },
        body: file,
      });
      const elapsedMs = performance.now() - started;
      const problem = (await response.json()) as {
        type: string;
        detail: string;
        import: { status: string; counts: { accepted: number } };
      };
      expect(response.status, JSON.stringify(problem)).to.equal(400);
      expect(problem.type).to.equal('/problems/import-invalid-header');
      expect(problem.detail).to.contain(
        'Column "junk[50000000]": the index [50000000] in "junk[50000000]" is past the largest allowed, 999',
      );
      expect(problem.import).to.deep.include({ status: 'failed' });
      expect(problem.import.counts.accepted).to.equal(0);
      expect(await stack.db.models.InboxEvent.count()).to.equal(inboxBefore);
      expect(elapsedMs, 'ms to refuse').to.be.below(5_000);
      console.log(`      header junk[50000000] with 2,000 rows refused in ${elapsedMs.toFixed(0)} ms`);

      const legal = await fetch(`${stack.api.url}/v1/imports?source=shop`, {
        method: 'POST',
        headers: { authorization: `Bearer ${writerKey}`, 'content-type': 'text/csv' },
        body: 'eventId,order.key,order.amount:number,note,tags[0],tags[1]\nevt-legal-1,legal-1,7,call ada@example.com,a,b\n',
      });
      expect(legal.status, await legal.clone().text()).to.equal(202);
      const stored = await stack.intake.inbox.find('shop', 'evt-legal-1');
      expect(stored?.payload).to.deep.equal({ order: { key: 'legal-1', amount: 7 } });
    });
  });
});
