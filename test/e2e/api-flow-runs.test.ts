import { expect } from 'chai';
import { expectProblem, keyedCall } from '../support/api-client';
import { uniqueId } from '../support/order-fixtures';
import { deleteSchedules, terminateRuns } from '../support/temporal-cleanup';
import { flowFixture, startFlowsApiStack, type FlowsApiStack } from './flows-api.support';
import type { FlowRunInput } from '../../workflows/flow/flow-run.types';

interface CatalogEntry {
  type: string;
  description: string;
  inputSchema: Record<string, unknown>;
  queries: { name: string }[];
  updates: { name: string; inputSchema: unknown }[];
  flow?: { name: string; version: string; versions: string[] };
}

describe('API flow runs (e2e): published flows in the catalog, started through POST /v1/runs', function () {
  this.timeout(60_000);
  let stack: FlowsApiStack;
  let publisher: string;
  let starter: string;
  const started = new Set<string>();
  const schedules = new Set<string>();
  const call = keyedCall(
    () => stack.server.url,
    () => starter,
  );
  const version = (v: string, text: string) => text.replace("version: '1.0.0'", `version: '${v}'`);

  async function start(input: unknown, extra: Record<string, unknown> = {}, key?: string) {
    const reply = await call('POST', '/v1/runs', {
      body: { type: 'flow:greeting', input, ...extra },
      ...(key ? { key } : {}),
    });
    if (typeof reply.body.workflowId === 'string') started.add(reply.body.workflowId);
    return reply;
  }

  async function startArgumentOf(workflowId: string): Promise<FlowRunInput> {
    const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
    const first = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payload = first?.input?.payloads?.[0];
    const converter = stack.temporal.options.loadedDataConverter.payloadConverter;
    return converter.fromPayload(payload!);
  }

  before(async () => {
    stack = await startFlowsApiStack('api_flow_runs');
    publisher = await stack.createKey('publisher', ['flows:write']);
    starter = await stack.createKey('shop', ['runs:read', 'runs:write']);
    const greeting = await flowFixture('greeting.yaml');
    expect((await stack.publish(publisher, greeting)).status).to.equal(201);
    expect((await stack.publish(publisher, version('1.1.0', greeting))).status).to.equal(201);
  });

  after(async () => {
    await terminateRuns(stack?.temporal, started);
    await deleteSchedules(stack?.temporal, schedules);
    await stack?.close();
  });

  it('lists the flow in GET /v1/workflows as flow:greeting with its input schema, versions, progress and event', async () => {
    const reply = await call<{ items: CatalogEntry[] }>('GET', '/v1/workflows');
    const entry = reply.body.items.find((item) => item.type === 'flow:greeting');
    expect(entry, reply.text).to.exist;
    expect(entry!.description).to.equal('Greeting: Greets a customer by name');
    expect(entry!.inputSchema).to.deep.include({ type: 'object', required: ['customer'] });
    expect(entry!.flow).to.deep.equal({ name: 'greeting', version: '1.1.0', versions: ['1.1.0', '1.0.0'] });
    expect(entry!.queries.map((query) => query.name)).to.deep.equal(['progress']);
    expect(entry!.updates.map((update) => update.name)).to.deep.equal(['event']);
    expect(reply.body.items.some((item) => item.type === 'orderToCash')).to.equal(true);
  });

  it('starts a run of the default version: workflow id from the business key, FlowRunInput, search attributes', async () => {
    const customer = { id: uniqueId('cust'), name: 'Ada' };
    const reply = await start({ customer });
    expect(reply.status, reply.text).to.equal(202);
    const workflowId = `flow:greeting:${customer.id}`;
    expect(reply.body).to.include({ workflowId });
    const description = await stack.temporal.workflow.getHandle(workflowId).describe();
    expect(description.type).to.equal('flow:greeting');
    expect(description.taskQueue).to.equal(stack.taskQueue);
    expect(description.searchAttributes.BusinessKey).to.deep.equal([customer.id]);
    expect(description.searchAttributes.ProcessStatus).to.deep.equal(['RUNNING']);
    const argument = await startArgumentOf(workflowId);
    expect(argument.input).to.deep.equal({ customer });
    expect(argument.flow).to.include({ name: 'greeting', version: '1.1.0' });
    expect((argument.flow.document.document as { version: string }).version).to.equal('1.1.0');
  });

  it('joins the same run when the same business key starts again', async () => {
    const customer = { id: uniqueId('cust'), name: 'Grace' };
    const first = await start({ customer });
    const again = await start({ customer: { ...customer } });
    expect(again.status, again.text).to.equal(202);
    expect(again.body.workflowId).to.equal(first.body.workflowId);
    expect(again.body.runId).to.equal(first.body.runId);
  });

  it('answers a repeated Idempotency-Key with the same run', async () => {
    const customer = { id: uniqueId('cust'), name: 'Edsger' };
    const headers = { 'idempotency-key': uniqueId('idem') };
    const first = await call('POST', '/v1/runs', { body: { type: 'flow:greeting', input: { customer } }, headers });
    started.add(first.body.workflowId as string);
    const again = await call('POST', '/v1/runs', { body: { type: 'flow:greeting', input: { customer } }, headers });
    expect(again.body).to.include({ workflowId: first.body.workflowId, runId: first.body.runId, existing: true });
  });

  it('refuses input that breaks the input schema with 400 naming the fields', async () => {
    const reply = await start({ customer: { id: 42 } });
    expectProblem(reply, 400, 'validation-error');
    expect(reply.body.errors).to.have.deep.members([
      { field: 'input.customer.id', message: 'must be string' },
      { field: 'input.customer.name', message: 'is required' },
    ]);
  });

  it('starts the version named, a deprecated one too, and refuses a retired or unknown one', async () => {
    const customer = { id: uniqueId('cust'), name: 'Barbara' };
    expect((await call('POST', '/v1/flows/greeting/versions/1.1.0/deprecate', { key: publisher })).status).to.equal(
      200,
    );
    const byDefault = await start({ customer });
    expect((await startArgumentOf(byDefault.body.workflowId as string)).flow.version).to.equal('1.0.0');
    const named = await start({ customer: { ...customer, id: uniqueId('cust') } }, { version: '1.1.0' });
    expect(named.status, named.text).to.equal(202);
    expect((await startArgumentOf(named.body.workflowId as string)).flow.version).to.equal('1.1.0');
    expectProblem(await start({ customer }, { version: '4.0.0' }), 404, 'flow-version-not-found');
    expect((await call('POST', '/v1/flows/greeting/versions/1.0.0/retire', { key: publisher })).status).to.equal(200);
    const retired = await start({ customer: { ...customer, id: uniqueId('cust') } }, { version: '1.0.0' });
    expectProblem(retired, 409, 'flow-retired');
    expect(retired.body.detail).to.match(/retired: no new run may start with it/);
    const noDefault = await start({ customer: { ...customer, id: uniqueId('cust') } });
    expectProblem(noDefault, 409, 'flow-no-published-version');
    expect(noDefault.body.detail).to.include('only deprecated ones (1.1.0)');
    expectProblem(
      await call('POST', '/v1/runs', { body: { type: 'orderToCash', input: {}, version: '1.0.0' } }),
      400,
      'validation-error',
    );
  });

  it('lets a key limited to runs:write:flow:greeting start it, and refuses a key for another process', async () => {
    const republished = await stack.publish(publisher, version('1.2.0', await flowFixture('greeting.yaml')));
    expect(republished.status).to.equal(201);
    const limited = await stack.createKey('greeting-only', ['runs:write:flow:greeting', 'runs:read:flow:greeting']);
    const other = await stack.createKey('orders-only', ['runs:write:orderToCash']);
    const customer = { id: uniqueId('cust'), name: 'Alan' };
    const reply = await start({ customer }, {}, limited);
    expect(reply.status, reply.text).to.equal(202);
    const refused = await start({ customer: { ...customer, id: uniqueId('cust') } }, {}, other);
    expectProblem(refused, 403);
    expect(refused.body.detail).to.include('runs:write:flow:greeting');
    const read = await call('GET', `/v1/runs/${encodeURIComponent(reply.body.workflowId as string)}`, { key: limited });
    expect(read.status, read.text).to.equal(200);
    expect(read.body).to.include({ type: 'flow:greeting', status: 'RUNNING' });
  });

  it('issues keys with flow process scopes through the API', async () => {
    const admin = await stack.createKey('ops', ['admin']);
    const reply = await call('POST', '/v1/keys', {
      key: admin,
      body: { name: 'flow-starter', scopes: ['runs:write:flow:greeting'] },
    });
    expect(reply.status, reply.text).to.equal(201);
    expectProblem(
      await call('POST', '/v1/keys', { key: admin, body: { name: 'bad', scopes: ['runs:write:flow:no_underscores'] } }),
      400,
    );
  });

  it('lists, shows, messages and cancels flow runs like any run', async () => {
    const customer = { id: uniqueId('cust'), name: 'Katherine' };
    const reply = await start({ customer });
    const workflowId = reply.body.workflowId as string;
    const path = `/v1/runs/${encodeURIComponent(workflowId)}`;
    const listed = await call<{ items: { workflowId: string }[] }>(
      'GET',
      `/v1/runs?type=flow:greeting&businessKey=${customer.id}`,
    );
    // Visibility is eventually consistent on the dev server.
    if (listed.body.items.length === 0) await new Promise((resolve) => setTimeout(resolve, 1500));
    const again = await call<{ items: { workflowId: string }[] }>(
      'GET',
      `/v1/runs?type=flow:greeting&businessKey=${customer.id}`,
    );
    expect(again.body.items.map((item) => item.workflowId)).to.deep.equal([workflowId]);
    expectProblem(await call('GET', '/v1/runs?type=flow:never-published'), 400);
    const shown = await call('GET', path);
    expect(shown.body).to.include({ workflowId, type: 'flow:greeting', status: 'RUNNING' });
    // The event update is declared for flows: its argument is checked before it is sent.
    const badEvent = await call('POST', `${path}/updates/event`, { body: { source: 'test' } });
    expectProblem(badEvent, 400);
    expectProblem(await call('POST', `${path}/updates/approve`, { body: {} }), 404, 'unknown-update');
    const cancelled = await call('POST', `${path}/cancel`);
    expect(cancelled.status, cancelled.text).to.equal(202);
  });

  it('schedules a flow: the schedule pins the default version, and GET shows the input as written', async () => {
    const scheduler = await stack.createKey('scheduler', ['schedules:write', 'runs:write', 'runs:read']);
    const id = uniqueId('flow-schedule');
    schedules.add(id);
    const input = { customer: { id: uniqueId('cust'), name: 'Ada' } };
    const created = await call('POST', '/v1/schedules', {
      key: scheduler,
      body: { id, workflow: 'flow:greeting', input, cron: '0 0 1 1 *', paused: true },
    });
    expect(created.status, created.text).to.equal(201);
    expect((created.body.spec as { input: unknown }).input).to.deep.equal(input);
    const description = await stack.temporal.schedule.getHandle(id).describe();
    expect(description.action.type).to.equal('startWorkflow');
    const action = description.action as { workflowType: string; args?: unknown[] };
    expect(action.workflowType).to.equal('flow:greeting');
    const argument = action.args?.[0] as FlowRunInput;
    expect(argument.input).to.deep.equal(input);
    expect(argument.flow.name).to.equal('greeting');
    const badInput = await call('POST', '/v1/schedules', {
      key: scheduler,
      body: { id: uniqueId('flow-schedule'), workflow: 'flow:greeting', input: {}, cron: '0 0 1 1 *' },
    });
    expectProblem(badInput, 400, 'validation-error');
    expect(badInput.body.errors).to.deep.equal([{ field: 'input.customer', message: 'is required' }]);
  });
});
