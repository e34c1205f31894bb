import { expect } from 'chai';
import { keyedCall, replyOf, waitForRun } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { uniqueId } from '../support/order-fixtures';
import { terminateRuns } from '../support/temporal-cleanup';
import { flowFixture } from './flows-api.support';

interface RunView {
  status: string;
  type: string;
  result?: unknown;
  progress: { status: string } | null;
}

describe('API flow runs with a worker (e2e): a published flow runs to its end on the interpreter', function () {
  this.timeout(120_000);
  let stack: ApiStack;
  let key: string;
  const started = new Set<string>();
  const call = keyedCall(
    () => stack.api.url,
    () => key,
  );

  before(async () => {
    stack = await startApiStack({ label: 'api_flow_complete' });
    key = await stack.createKey('integration', ['flows:write', 'runs:read', 'runs:write']);
    const published = await replyOf(
      await fetch(`${stack.api.url}/v1/flows`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/yaml' },
        body: await flowFixture('greeting.yaml'),
      }),
    );
    expect(published.status, published.text).to.equal(201);
    const approval = await replyOf(
      await fetch(`${stack.api.url}/v1/flows`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: await flowFixture('approval.json'),
      }),
    );
    expect(approval.status, approval.text).to.equal(201);
  });

  after(async () => {
    await terminateRuns(stack?.temporal, started);
    await stack?.close();
  });

  it('when a flow with a set task is started through POST /v1/runs, then GET /v1/runs/{id} shows it COMPLETED with its result', async () => {
    const customer = { id: uniqueId('cust'), name: 'Ada' };
    const reply = await call('POST', '/v1/runs', { body: { type: 'flow:greeting', input: { customer } } });
    expect(reply.status, reply.text).to.equal(202);
    const workflowId = reply.body.workflowId as string;
    started.add(workflowId);
    const run = await waitForRun<RunView>(call, workflowId);
    expect(run.status, JSON.stringify(run)).to.equal('COMPLETED');
    expect(run.type).to.equal('flow:greeting');
    expect(run.result).to.deep.equal({ greeting: 'Hello, Ada' });
    expect(run.progress?.status).to.equal('COMPLETED');
  });

  it('when a listening flow gets its event through POST /v1/runs/{id}/updates/event, then it completes with the event data', async () => {
    const requestId = uniqueId('req');
    const reply = await call('POST', '/v1/runs', { body: { type: 'flow:approval', input: { requestId } } });
    expect(reply.status, reply.text).to.equal(202);
    const workflowId = reply.body.workflowId as string;
    expect(workflowId).to.equal(`flow:approval:${requestId}`);
    started.add(workflowId);
    const path = `/v1/runs/${encodeURIComponent(workflowId)}/updates/event`;
    const ignored = await call('POST', path, { body: { type: 'com.example.other' } });
    expect(ignored.status, ignored.text).to.equal(422);
    const sent = await call('POST', path, {
      body: { type: 'com.example.approval.granted', data: { by: 'boss@example.com' } },
    });
    expect(sent.status, sent.text).to.equal(200);
    expect(sent.body.result).to.deep.equal({ accepted: true, task: '/do/0/approval' });
    const run = await waitForRun<RunView>(call, workflowId);
    expect(run.status, JSON.stringify(run)).to.equal('COMPLETED');
    expect(run.result).to.deep.equal({ by: 'boss@example.com' });
  });
});
