import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { expectProblem, keyedCall } from '../support/api-client';
import { eventually } from '../support/eventually';
import { uniqueId } from '../support/order-fixtures';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { messagesProcess, startMessagesWorker, type MessagesWorker } from './fixtures/messages.fixture';

const messagesProcessDef = messagesProcess('messages');
/** The same process with its `decide` update declared a person's decision (MessageDefinition.actor). */
const boundProcessDef = {
  ...messagesProcessDef,
  updates: messagesProcessDef.updates.map((update) =>
    update.name === 'decide' ? { ...update, actor: { field: 'approver' } } : update,
  ),
};

describe('API run messages (e2e): signals, updates and queries declared in the catalog', function () {
  this.timeout(90_000);
  let db: TestDatabase;
  let connection: Connection;
  let temporal: Client;
  let server: RunningApiServer;
  let boundServer: RunningApiServer;
  let aliceKey: string;
  let malloryKey: string;
  let worker: MessagesWorker;
  let writerKey: string;
  let readerKey: string;

  const call = keyedCall(
    () => server.url,
    () => writerKey,
  );

  async function startFixture(approver: string): Promise<string> {
    const reply = await call('POST', '/v1/runs', { body: { type: 'messagesFixture', input: approver } });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(202);
    return String(reply.body.workflowId);
  }

  before(async () => {
    db = await createTestDatabase('api_messages');
    const temporalServer = await getDevServer();
    connection = await Connection.connect({ address: temporalServer.address });
    temporal = new Client({ connection, namespace: temporalServer.namespace });
    const taskQueue = uniqueId('api-messages');
    worker = await startMessagesWorker(temporalServer, taskQueue);
    const config = loadConfig({ TEMPORAL_NAMESPACE: temporalServer.namespace, TEMPORAL_TASK_QUEUE: taskQueue });
    server = await startApiServer(createApp({ config, temporal, models: db.models, catalog: [messagesProcessDef] }), 0);
    boundServer = await startApiServer(
      createApp({ config, temporal, models: db.models, catalog: [boundProcessDef] }),
      0,
    );
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    writerKey = (await keys.createKey({ name: 'approvals', scopes: ['runs:read', 'runs:write'] })).key;
    readerKey = (await keys.createKey({ name: 'dashboard', scopes: ['runs:read'] })).key;
    aliceKey = (await keys.createKey({ name: 'alice', scopes: ['runs:write'], actsAs: 'alice@example.com' })).key;
    malloryKey = (await keys.createKey({ name: 'mallory', scopes: ['runs:write'], actsAs: 'mallory@example.com' })).key;
  });

  after(async () => {
    await server?.close();
    await boundServer?.close();
    await worker?.stop();
    await connection?.close();
    await db?.destroy();
  });

  it('delivers a signal (202) and answers the query with its effect', async () => {
    const workflowId = await startFixture('alice@example.com');
    const signalled = await call('POST', `/v1/runs/${workflowId}/signals/note`, { body: { text: 'urgent' } });
    expect(signalled.status, JSON.stringify(signalled.body)).to.equal(202);
    expect(signalled.body).to.include({ workflowId, signal: 'note' });
    const state = await call('GET', `/v1/runs/${workflowId}/queries/state`, { key: readerKey });
    expect(state.status).to.equal(200);
    expect(state.body.result).to.deep.equal({ notes: ['urgent'], decidedBy: null });
  });

  it('answers an accepted update with its result at once, and a refused one with 422 leaving the run unchanged', async () => {
    const workflowId = await startFixture('alice@example.com');
    const refused = await call('POST', `/v1/runs/${workflowId}/updates/decide`, {
      body: { approver: 'mallory@example.com' },
    });
    expectProblem(refused, 422, 'update-rejected');
    expect(refused.body.detail).to.equal('mallory@example.com is not the pending approver');
    expect((await call('GET', `/v1/runs/${workflowId}/queries/state`)).body.result).to.deep.equal({
      notes: [],
      decidedBy: null,
    });

    const accepted = await call('POST', `/v1/runs/${workflowId}/updates/decide`, {
      body: { approver: 'alice@example.com' },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
    expect(accepted.body).to.deep.include({
      workflowId,
      update: 'decide',
      result: { decidedBy: 'alice@example.com', notes: 0 },
    });
    expect(await temporal.workflow.getHandle(workflowId).result()).to.deep.equal({
      decidedBy: 'alice@example.com',
      notes: [],
    });

    // Closed now: messages that change a run are refused, its queries still answer.
    expectProblem(
      await call('POST', `/v1/runs/${workflowId}/updates/decide`, { body: { approver: 'alice@example.com' } }),
      409,
      'run-not-running',
    );
    expectProblem(
      await call('POST', `/v1/runs/${workflowId}/signals/note`, { body: { text: 'late' } }),
      409,
      'run-not-running',
    );
  });

  it('validates the argument against the declared schema and names the field', async () => {
    const workflowId = await startFixture('alice@example.com');
    const badUpdate = await call('POST', `/v1/runs/${workflowId}/updates/decide`, {
      body: { approver: 'not-an-email' },
    });
    expectProblem(badUpdate, 400, 'validation-error');
    expect(badUpdate.body.errors).to.deep.equal([{ field: 'approver', message: 'Invalid email address' }]);
    const extra = await call('POST', `/v1/runs/${workflowId}/signals/note`, { body: { text: 'x', colour: 'red' } });
    expectProblem(extra, 400);
    expect(extra.body.errors).to.deep.equal([{ field: 'colour', message: 'is not allowed here' }]);
    const noBody = await call('POST', `/v1/runs/${workflowId}/signals/note`);
    expectProblem(noBody, 400);
  });

  it('answers 404 for undeclared messages and unknown runs, 400 for a malformed name, 403 without runs:write', async () => {
    const workflowId = await startFixture('alice@example.com');
    const unknownSignal = await call('POST', `/v1/runs/${workflowId}/signals/launch`, { body: {} });
    expectProblem(unknownSignal, 404, 'unknown-signal');
    expect(unknownSignal.body.detail).to.contain('known: note');
    expectProblem(
      await call('POST', `/v1/runs/${workflowId}/updates/note`, { body: { text: 'x' } }),
      404,
      'unknown-update',
    );
    expectProblem(await call('GET', `/v1/runs/${workflowId}/queries/secrets`), 404, 'unknown-query');
    expectProblem(await call('GET', `/v1/runs/${uniqueId('nobody')}/queries/state`), 404, 'run-not-found');
    expectProblem(
      await call('POST', `/v1/runs/${workflowId}/signals/${encodeURIComponent('no te')}`, { body: {} }),
      400,
    );
    expectProblem(
      await call('POST', `/v1/runs/${workflowId}/updates/decide`, {
        key: readerKey,
        body: { approver: 'alice@example.com' },
      }),
      403,
    );
  });

  it('audits signals and updates, refused ones included', async () => {
    const workflowId = await startFixture('alice@example.com');
    await call('POST', `/v1/runs/${workflowId}/updates/decide`, { body: { approver: 'mallory@example.com' } });
    const rows = await eventually(
      'the update audited',
      () => db.models.AuditEntry.findAll({ where: { target: workflowId, action: 'runs.update' } }),
      (found) => found.length > 0,
      { timeoutMs: 3000, intervalMs: 100 },
    );
    expect(rows.map((row) => row.toJSON())).to.have.length(1);
    expect(rows[0]!.toJSON()).to.include({ outcome: 'failure', statusCode: 422 });
  });
  describe("a message declared a person's decision (catalog actor): bound to the caller", () => {
    const bound = keyedCall(
      () => boundServer.url,
      () => aliceKey,
    );

    it('when the caller acts for a person, then the actor field is filled in from the credential and the body may leave it out', async () => {
      const workflowId = await startFixture('alice@example.com');
      const accepted = await bound('POST', `/v1/runs/${workflowId}/updates/decide`);
      expect(accepted.status, accepted.text).to.equal(200);
      expect(accepted.body).to.deep.include({ result: { decidedBy: 'alice@example.com', notes: 0 } });
    });

    it('when the body names someone else, then 403 actor-mismatch naming whom the credential acts for, and the run is unchanged', async () => {
      const workflowId = await startFixture('alice@example.com');
      const mismatch = await bound('POST', `/v1/runs/${workflowId}/updates/decide`, {
        key: malloryKey,
        body: { approver: 'alice@example.com' },
      });
      expectProblem(mismatch, 403, 'actor-mismatch');
      expect(mismatch.body.detail).to.equal(
        'This credential acts for mallory@example.com; it may not send "decide" as alice@example.com. Leave approver out, or send mallory@example.com.',
      );
      expectProblem(
        await bound('POST', `/v1/runs/${workflowId}/updates/decide`, { body: { approver: 42 } }),
        403,
        'actor-mismatch',
      );
      expect((await call('GET', `/v1/runs/${workflowId}/queries/state`)).body.result).to.deep.equal({
        notes: [],
        decidedBy: null,
      });
    });

    it('when the credential acts for nobody, then 403 personal-credential-required, whatever the body says', async () => {
      const workflowId = await startFixture('alice@example.com');
      for (const body of [{ approver: 'alice@example.com' }, undefined]) {
        const refused = await bound('POST', `/v1/runs/${workflowId}/updates/decide`, { key: writerKey, body });
        expectProblem(refused, 403, 'personal-credential-required');
        expect(refused.body.detail).to.contain('"decide" is a person\'s decision, and this API key acts for nobody');
      }
    });

    it('when the person is not the one the process waits for, then the validator still refuses with 422; a body that is no object is a 400', async () => {
      const workflowId = await startFixture('alice@example.com');
      const refused = await bound('POST', `/v1/runs/${workflowId}/updates/decide`, { key: malloryKey });
      expectProblem(refused, 422, 'update-rejected');
      expect(refused.body.detail).to.equal('mallory@example.com is not the pending approver');
      expectProblem(
        await bound('POST', `/v1/runs/${workflowId}/updates/decide`, { body: ['alice@example.com'] }),
        400,
        'validation-error',
      );
      expectProblem(await bound('POST', `/v1/runs/${uniqueId('nobody')}/updates/decide`), 404, 'run-not-found');
    });
  });
});
