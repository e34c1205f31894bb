import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONNECTOR_FUNCTIONS } from '../../server/flows/connector-functions';
import { describeFlow } from '../../server/flows/describe-flow';
import type { FlowIssue } from '../../server/flows/flow-issue';
import {
  MAX_FLOW_DOCUMENT_BYTES,
  MAX_FLOW_NESTING_DEPTH,
  MAX_FLOW_TASKS,
  MAX_FOR_CONCURRENCY,
} from '../../server/flows/flow-limits';
import { parseFlowDocument } from '../../server/flows/parse-flow-document';
import type { JsonObject } from '../../server/flows/task-tree';
import { jqExpressionChecker } from '../../server/flows/jq/jq-expression-checker';
import { validateFlow, type FlowValidationContext } from '../../server/flows/validate-flow';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'flows');

const CONTEXT: FlowValidationContext = {
  connectorInstances: {
    erp: ['erp.main', 'erp.eu'],
    payment: ['payment.main'],
    email: ['email.main'],
    crm: ['crm.main'],
    http: ['http.hooks'],
  },
  // Replaced by real jq before the tests run (jq loads asynchronously, once).
  checkExpression: () => {
    throw new Error('jq is not loaded yet');
  },
};

before(async () => {
  CONTEXT.checkExpression = await jqExpressionChecker();
});

function fixture(name: string, mediaType: string): JsonObject {
  const parsed = parseFlowDocument(readFileSync(path.join(FIXTURES, name), 'utf8'), mediaType);
  if (!parsed.ok) throw new Error(`fixture ${name} does not parse: ${JSON.stringify(parsed.issues)}`);
  return parsed.document;
}

/** The order flow, to be broken by the caller. */
function orderFlow(): JsonObject {
  return fixture('order-to-cash.yaml', 'application/yaml');
}

/** The task object at `/do/<index>/<name>…`. */
function taskAt(document: JsonObject, pointer: string): JsonObject {
  let value: unknown = document;
  for (const segment of pointer.split('/').slice(1)) value = (value as Record<string, unknown>)[segment];
  return value as JsonObject;
}

function issuesOf(document: JsonObject, context = CONTEXT): FlowIssue[] {
  const result = validateFlow(document, context);
  if (result.ok) throw new Error('expected the flow to be refused');
  return result.issues;
}

function onlyIssue(document: JsonObject, context = CONTEXT): FlowIssue {
  const issues = issuesOf(document, context);
  expect(issues, JSON.stringify(issues, null, 2)).to.have.length(1);
  return issues[0] as FlowIssue;
}

const setTask = (name: string): JsonObject => ({ [name]: { set: { done: true } } });

describe('Flow definitions: valid flows', () => {
  it('accepts the YAML order flow and describes it', () => {
    const result = validateFlow(orderFlow(), CONTEXT);
    if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 2));
    const description = describeFlow(result.flow);
    expect(description).to.include({ name: 'order-to-cash', namespace: 'shop', version: '1.0.0' });
    expect(description.inputSchema).to.include({ type: 'object' });
    expect(description.taskPaths).to.include.members([
      '/do/0/createSalesOrder',
      '/do/4/capturePayment/try/0/capture',
      '/do/5/notifyWarehouses/do/0/notifyWarehouse',
    ]);
    expect(description.taskPaths).to.have.length(12);
  });

  it('accepts the JSON flow (fork, http, wait, raise, run: workflow) and describes it with an empty input schema', () => {
    const result = validateFlow(fixture('customer-sync.json', 'application/json'), CONTEXT);
    if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 2));
    const description = describeFlow(result.flow);
    expect(description).to.deep.include({ name: 'customer-sync', version: '0.2.0', inputSchema: {} });
    expect(description.taskPaths).to.include('/do/1/fanOut/fork/branches/1/notifyWebhook');
  });
});

describe('Flow definitions: parsing', () => {
  it('names the line and column of a YAML syntax error', () => {
    const parsed = parseFlowDocument('do:\n  - a:\n      set: { x: 1 }}\n', 'application/yaml');
    expect(parsed.ok).to.equal(false);
    if (parsed.ok) return;
    expect(parsed.issues[0]).to.include({ rule: 'syntax', path: '', line: 3, column: 20 });
    expect(parsed.issues[0]?.message).to.match(/^Line 3, column 20: /);
  });

  it('names the line and column of a JSON syntax error', () => {
    const parsed = parseFlowDocument(
      '{\n  "document": {\n    "dsl": "1.0.0",\n  }\n}',
      'application/json; charset=utf-8',
    );
    expect(parsed.ok).to.equal(false);
    if (parsed.ok) return;
    expect(parsed.issues[0]).to.include({ rule: 'syntax', line: 4, column: 3 });
  });

  it('refuses a repeated key rather than keeping the last', () => {
    const parsed = parseFlowDocument('document: {}\ndo: []\ndo: []\n', 'application/yaml');
    expect(parsed.ok).to.equal(false);
    if (!parsed.ok) expect(parsed.issues[0]).to.include({ rule: 'syntax', line: 3 });
  });

  it('refuses a document whose root is not a mapping', () => {
    const parsed = parseFlowDocument('- a\n- b\n', 'text/yaml');
    expect(parsed.ok).to.equal(false);
    if (!parsed.ok) expect(parsed.issues[0]).to.include({ rule: 'syntax', path: '' });
  });
});

describe('Flow definitions: schema', () => {
  it('reports a schema error deep in a nested task at the field that is wrong, and nothing else', () => {
    const flow = orderFlow();
    const capture = taskAt(flow, '/do/4/capturePayment/try/0');
    capture.capture = { call: 'http', with: { method: 'post' } };
    const issue = onlyIssue(flow);
    expect(issue).to.include({
      rule: 'schema',
      path: '/do/4/capturePayment/try/0/capture/with',
      task: '/do/4/capturePayment/try/0/capture',
    });
    expect(issue.message).to.include("needs 'endpoint'");
  });

  it('explains a malformed duration in a nested for task', () => {
    const flow = orderFlow();
    (taskAt(flow, '/do/5/notifyWarehouses').do as unknown[]).push({ pause: { wait: 'soon' } });
    const issue = onlyIssue(flow);
    expect(issue).to.include({ rule: 'schema', path: '/do/5/notifyWarehouses/do/1/pause/wait' });
    expect(issue.message).to.include('ISO 8601 duration');
  });

  it('names a property the DSL does not allow on a task', () => {
    const flow = orderFlow();
    taskAt(flow, '/do/6/done').retries = 3;
    expect(onlyIssue(flow)).to.include({ rule: 'schema', path: '/do/6/done', task: '/do/6/done' });
  });

  it('says what a task without a kind lacks', () => {
    const flow = orderFlow();
    (flow.do as unknown[]).push({ nothing: { with: { a: 1 } } });
    const issue = onlyIssue(flow);
    expect(issue).to.include({ rule: 'schema', path: '/do/10/nothing' });
    expect(issue.message).to.include('is not a task');
  });

  it('refuses another DSL version', () => {
    const flow = orderFlow();
    (flow.document as JsonObject).dsl = '0.9';
    expect(onlyIssue(flow)).to.include({ rule: 'schema', path: '/document/dsl' });
  });
});

describe('Flow definitions: Junction subset and connector functions', () => {
  it('refuses run: shell and emit, naming the task', () => {
    const flow = orderFlow();
    (flow.do as unknown[]).splice(
      6,
      0,
      { listFiles: { run: { shell: { command: 'ls' } } } },
      {
        announce: { emit: { event: { with: { type: 'com.example.order.created', source: 'https://shop.example' } } } },
      },
    );
    const issues = issuesOf(flow);
    expect(issues.map(({ path, rule }) => ({ path, rule }))).to.deep.equal([
      { path: '/do/6/listFiles', rule: 'unsupported' },
      { path: '/do/7/announce', rule: 'unsupported' },
    ]);
    expect(issues[0]?.message).to.include("Task 'listFiles' uses run: shell");
  });

  it('refuses a function the catalog lacks, listing those of the kind', () => {
    const flow = orderFlow();
    taskAt(flow, '/do/0/createSalesOrder').call = 'erp.createSalesOrders';
    // Its metadata.compensate then sits on a task that calls no catalog function: a second issue.
    const issues = issuesOf(flow);
    expect(issues.map(({ path, rule }) => ({ path, rule }))).to.deep.equal([
      { path: '/do/0/createSalesOrder/call', rule: 'unknown-function' },
      { path: '/do/0/createSalesOrder/metadata/compensate', rule: 'compensate' },
    ]);
    expect(issues[0]?.message).to.include('erp.createSalesOrder');
  });

  it('refuses an unknown connector instance', () => {
    const flow = orderFlow();
    (taskAt(flow, '/do/5/notifyWarehouses/do/0/notifyWarehouse').with as JsonObject).connector = 'email.eu';
    const issue = onlyIssue(flow);
    expect(issue).to.include({
      rule: 'unknown-connector',
      path: '/do/5/notifyWarehouses/do/0/notifyWarehouse/with/connector',
    });
    expect(issue.message).to.include('email.main');
  });

  it('refuses a connector instance of another kind', () => {
    const flow = orderFlow();
    (taskAt(flow, '/do/0/createSalesOrder').with as JsonObject).connector = 'payment.main';
    expect(onlyIssue(flow)).to.include({ rule: 'unknown-connector', path: '/do/0/createSalesOrder/with/connector' });
  });

  it('refuses a missing or unknown function argument', () => {
    const flow = orderFlow();
    const args = taskAt(flow, '/do/7/cancelSalesOrder').with as JsonObject;
    args.orderId = args.salesOrderId;
    delete args.salesOrderId;
    expect(issuesOf(flow).map(({ path, rule }) => ({ path, rule }))).to.deep.equal([
      { path: '/do/7/cancelSalesOrder/with', rule: 'function-arguments' },
      { path: '/do/7/cancelSalesOrder/with/orderId', rule: 'function-arguments' },
    ]);
  });

  it('refuses a then that names no task of the same list', () => {
    const flow = orderFlow();
    const cases = taskAt(flow, '/do/2/checkAmount').switch as JsonObject[];
    (cases[0]?.large as JsonObject).then = 'capture';
    expect(onlyIssue(flow)).to.include({ rule: 'unknown-then', path: '/do/2/checkAmount/switch/0/large/then' });
  });

  it('lists, for every kind, operations whose compensations are side-effecting catalog functions', () => {
    expect(new Set([...CONNECTOR_FUNCTIONS.values()].map((fn) => fn.kind))).to.deep.equal(
      new Set(['crm', 'erp', 'email', 'payment']),
    );
    for (const fn of CONNECTOR_FUNCTIONS.values()) {
      for (const undo of fn.compensatedBy) expect(CONNECTOR_FUNCTIONS.get(undo)?.sideEffecting, undo).to.equal(true);
    }
    expect(CONNECTOR_FUNCTIONS.get('payment.authorize')?.compensatedBy).to.deep.equal(['payment.voidAuthorization']);
    expect(CONNECTOR_FUNCTIONS.get('erp.getStock')?.sideEffecting).to.equal(false);
  });
});

describe('Flow definitions: Junction extensions', () => {
  it('refuses metadata.compensate naming a missing task', () => {
    const flow = orderFlow();
    (taskAt(flow, '/do/1/authorizePayment').metadata as JsonObject).compensate = 'voidPayment';
    const issue = onlyIssue(flow);
    expect(issue).to.include({ rule: 'compensate', path: '/do/1/authorizePayment/metadata/compensate' });
    expect(issue.message).to.include("'voidPayment', which is no task of this flow");
  });

  it('refuses metadata.compensate naming a task whose function does not undo the call', () => {
    const flow = orderFlow();
    (taskAt(flow, '/do/1/authorizePayment').metadata as JsonObject).compensate = 'refundPayment';
    const issue = onlyIssue(flow);
    expect(issue).to.include({ rule: 'compensate', path: '/do/1/authorizePayment/metadata/compensate' });
    expect(issue.message).to.include('payment.voidAuthorization');
  });

  it('refuses metadata.compensate on a task that calls nothing', () => {
    const flow = orderFlow();
    taskAt(flow, '/do/6/done').metadata = { compensate: 'voidAuthorization' };
    expect(onlyIssue(flow)).to.include({ rule: 'compensate', path: '/do/6/done/metadata/compensate' });
  });

  it('refuses a business key that is not a runtime expression', () => {
    const flow = orderFlow();
    ((flow.document as JsonObject).metadata as { junction: JsonObject }).junction.businessKey = 'order.id';
    expect(onlyIssue(flow)).to.include({ rule: 'business-key', path: '/document/metadata/junction/businessKey' });
  });

  it('refuses metadata.concurrency outside a for task, or not a positive whole number', () => {
    const flow = orderFlow();
    taskAt(flow, '/do/6/done').metadata = { concurrency: 2 };
    (taskAt(flow, '/do/5/notifyWarehouses').metadata as JsonObject).concurrency = 0;
    expect(issuesOf(flow).map(({ path, rule }) => ({ path, rule }))).to.deep.equal([
      { path: '/do/5/notifyWarehouses/metadata/concurrency', rule: 'concurrency' },
      { path: '/do/6/done/metadata/concurrency', rule: 'concurrency' },
    ]);
  });
});

describe('Flow definitions: runtime expressions', () => {
  it("reports jq's syntax error with its position at the field's path", () => {
    const flow = orderFlow();
    (taskAt(flow, '/do/4/capturePayment/try/0/capture').with as JsonObject).paymentId = '${ $context.payment | .id) }';
    const issue = onlyIssue(flow);
    expect(issue).to.include({ rule: 'expression', path: '/do/4/capturePayment/try/0/capture/with/paymentId' });
    expect(issue.message).to.equal(
      'The expression ${ $context.payment | .id) } does not parse at position 23: syntax error, unexpected INVALID_CHARACTER, expecting end of file',
    );
  });

  it('says where an expression ends early and names an unknown function', () => {
    const flow = orderFlow();
    (taskAt(flow, '/do/4/capturePayment/try/0/capture').with as JsonObject).paymentId = '${ $context.payment.id + }';
    expect(onlyIssue(flow).message).to.include('does not parse at position 22: syntax error, unexpected end of file');
    (taskAt(flow, '/do/4/capturePayment/try/0/capture').with as JsonObject).paymentId = '${ $context.payment | idd }';
    expect(onlyIssue(flow).message).to.include('does not parse at position 20: idd/0 is not defined');
  });

  it("binds a for loop's item and index in its body only, and refuses unknown variables", () => {
    const flow = orderFlow();
    const notify = taskAt(flow, '/do/5/notifyWarehouses/do/0/notifyWarehouse');
    (notify.with as JsonObject).message = '${ { to: ["w@example.com"], subject: "\\($index): \\($line.sku)" } }';
    expect(validateFlow(structuredClone(flow), CONTEXT).ok, 'the loop binds $line and $index').to.equal(true);
    taskAt(flow, '/do/6/done').set = { sku: '${ $line.sku }' };
    const issue = onlyIssue(flow);
    expect(issue).to.include({ rule: 'expression', path: '/do/6/done/set/sku' });
    expect(issue.message).to.include('$line is not defined');
  });

  it('checks the business key expression', () => {
    const flow = orderFlow();
    ((flow.document as JsonObject).metadata as { junction: JsonObject }).junction.businessKey = '${ .order[0 }';
    expect(onlyIssue(flow)).to.include({ rule: 'expression', path: '/document/metadata/junction/businessKey' });
  });

  it('refuses ${ inside a longer string, which the DSL would not evaluate', () => {
    const flow = orderFlow();
    taskAt(flow, '/do/6/done').set = { status: 'completed ${ .order.id }' };
    expect(onlyIssue(flow)).to.include({ rule: 'expression', path: '/do/6/done/set/status' });
  });
});

describe('Flow definitions: valid DSL the interpreter would ignore is refused', () => {
  const cases: [string, JsonObject, string][] = [
    [
      'a timeout outside listen',
      { slow: { set: { a: 1 }, timeout: { after: { seconds: 5 } } } },
      'timeout outside a listen task',
    ],
    [
      'output.schema on a task',
      { shaped: { set: { a: 1 }, output: { schema: { format: 'json', document: {} } } } },
      'output.schema',
    ],
    ['listen.to.until', { events: { listen: { to: { any: [], until: '${ true }' } } } }, 'listen.to.until'],
    ['listen.read: raw', { events: { listen: { to: { any: [] }, read: 'raw' } } }, 'listen.read: raw'],
    [
      'a named retry',
      { guarded: { try: [setTask('inner')], catch: { retry: 'default' } } },
      'catch.retry naming a use.retries entry',
    ],
    [
      'a retry duration limit',
      { guarded: { try: [setTask('inner')], catch: { retry: { limit: { duration: { minutes: 5 } } } } } },
      'a catch.retry duration limit',
    ],
    ['a named error', { fail: { raise: { error: 'notFound' } } }, 'raise.error naming a use.errors entry'],
  ];
  for (const [what, task, message] of cases) {
    it(`refuses ${what}`, () => {
      const flow = orderFlow();
      (flow.do as unknown[]).push(task);
      const issue = onlyIssue(flow);
      expect(issue.rule).to.equal('unsupported');
      expect(issue.message).to.include(message);
    });
  }

  it('refuses while on a for loop whose iterations run at once', () => {
    const flow = orderFlow();
    taskAt(flow, '/do/5/notifyWarehouses').while = '${ true }';
    expect(onlyIssue(flow)).to.include({ rule: 'concurrency', path: '/do/5/notifyWarehouses/metadata/concurrency' });
  });
});

describe('Flow definitions: run: workflow', () => {
  it('refuses a catalog process (namespace junction) that does not exist, and leaves sub-flows to run time', () => {
    const flow = orderFlow();
    const run = (name: string, namespace: string): JsonObject => ({
      [`run_${name}`]: { run: { workflow: { namespace, name, version: '1.0.0', input: {} } } },
    });
    (flow.do as unknown[]).push(run('orderToCash', 'junction'), run('some-flow', 'shop'));
    expect(validateFlow(structuredClone(flow), CONTEXT).ok, 'known process and a sub-flow').to.equal(true);
    (flow.do as unknown[]).push(run('orderToKash', 'junction'));
    const issue = onlyIssue(flow);
    expect(issue).to.include({ rule: 'unknown-process', path: '/do/12/run_orderToKash/run/workflow/name' });
    expect(issue.message).to.include("'orderToKash' is no process of the catalog");
  });
});

describe('Flow definitions: limits', () => {
  it(`refuses more than ${MAX_FLOW_TASKS} tasks`, () => {
    const flow = orderFlow();
    const tasks = flow.do as unknown[];
    // The fixture's two nested tasks count too.
    while (tasks.length < MAX_FLOW_TASKS - 2) tasks.push(setTask(`step${tasks.length}`));
    expect(validateFlow(structuredClone(flow), CONTEXT).ok, 'at the limit').to.equal(true);
    tasks.push(setTask('oneTooMany'));
    expect(onlyIssue(flow)).to.include({ rule: 'limit-tasks', path: '' });
  });

  it(`refuses tasks nested more than ${MAX_FLOW_NESTING_DEPTH} deep, at the first task too deep`, () => {
    const flow = orderFlow();
    let nested: JsonObject = setTask('innermost');
    for (let level = MAX_FLOW_NESTING_DEPTH; level >= 1; level--) nested = { [`level${level}`]: { do: [nested] } };
    (flow.do as unknown[]).push(nested);
    const issue = onlyIssue(flow);
    expect(issue).to.include({ rule: 'limit-nesting-depth' });
    expect(issue.path).to.match(/^\/do\/10\/level1(\/do\/0\/level\d)+\/do\/0\/innermost$/);
    expect(issue.path.split('/do/')).to.have.length(MAX_FLOW_NESTING_DEPTH + 2);
  });

  it(`refuses a for concurrency over ${MAX_FOR_CONCURRENCY}`, () => {
    const flow = orderFlow();
    (taskAt(flow, '/do/5/notifyWarehouses').metadata as JsonObject).concurrency = MAX_FOR_CONCURRENCY + 1;
    expect(onlyIssue(flow)).to.include({
      rule: 'limit-for-concurrency',
      path: '/do/5/notifyWarehouses/metadata/concurrency',
    });
  });

  it(`refuses a document over ${MAX_FLOW_DOCUMENT_BYTES} bytes as JSON`, () => {
    const flow = orderFlow();
    taskAt(flow, '/do/6/done').set = { padding: 'x'.repeat(MAX_FLOW_DOCUMENT_BYTES) };
    expect(onlyIssue(flow)).to.include({ rule: 'limit-document-size', path: '' });
  });
});
