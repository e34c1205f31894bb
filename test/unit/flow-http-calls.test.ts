/**
 * `call: http` in a flow (server/flows/http-calls.ts, workflows/flow/http-endpoint.ts): the endpoint
 * names a configured http connector instance and a path, `connector://http.<name>/<path>`, which
 * stays a valid DSL 1.0 document; a URL of the flow's own, an unknown instance or inline
 * credentials are refused at publish time with the task path.
 */
import { expect } from 'chai';
import type { FlowIssue } from '../../server/flows/flow-issue';
import { jqExpressionChecker } from '../../server/flows/jq/jq-expression-checker';
import type { JsonObject } from '../../server/flows/task-tree';
import { validateFlow, type FlowValidationContext } from '../../server/flows/validate-flow';
import { expandHttpPath, httpCallMethod, parseHttpEndpoint } from '../../workflows/flow/http-endpoint';

const CONTEXT: FlowValidationContext = {
  connectorInstances: { http: ['http.billing', 'http.crm_legacy'], erp: ['erp.main'] },
  checkExpression: () => {
    throw new Error('jq is not loaded yet');
  },
};

before(async () => {
  CONTEXT.checkExpression = await jqExpressionChecker();
});

const TASK = '/do/1/createInvoice';

/** A flow whose second task is `call: http` with these arguments (and task fields). */
function flowCalling(args: JsonObject, task: JsonObject = {}): JsonObject {
  return {
    document: { dsl: '1.0.0', namespace: 'billing', name: 'invoice', version: '1.0.0' },
    do: [
      { prepare: { set: { invoiceId: '${ .id }', invoice: '${ .invoice }' } } },
      { createInvoice: { call: 'http', with: args, ...task } },
    ],
  };
}

function issuesOf(document: JsonObject): FlowIssue[] {
  const result = validateFlow(document, CONTEXT);
  return result.ok ? [] : result.issues;
}

const post = (endpoint: unknown, extra: JsonObject = {}): JsonObject => ({
  method: 'post',
  endpoint,
  body: '${ .invoice }',
  ...extra,
});

describe('Flow definitions: call: http through http connector instances', () => {
  it('accepts connector://http.<name>/<path> as a string or endpoint.uri, with {variables}, headers, query and output', () => {
    for (const endpoint of [
      'connector://http.billing/invoices',
      'connector://http.billing/invoices/{invoiceId}/lines',
      { uri: 'connector://http.crm_legacy/customers/{invoiceId}' },
      'connector://http.billing',
    ]) {
      const flow = flowCalling(
        post(endpoint, {
          headers: { 'X-Tenant': '${ .tenant }', Accept: 'application/json' },
          query: { expand: 'lines' },
          output: 'response',
        }),
      );
      expect(issuesOf(flow), JSON.stringify(endpoint)).to.deep.equal([]);
    }
  });

  it('refuses an absolute URL of the flow own, naming the task path and how to write it', () => {
    const [issue, ...rest] = issuesOf(flowCalling(post('https://billing.example/invoices')));
    expect(rest).to.deep.equal([]);
    expect(issue).to.include({ rule: 'http-call', path: `${TASK}/with/endpoint`, task: TASK });
    expect(issue?.message).to.contain("Task 'createInvoice': a flow calls no URL of its own");
    expect(issue?.message).to.contain('connector://http.billing/invoices/{invoiceId}');
  });

  it('refuses an unknown http instance, listing the configured ones', () => {
    const [issue] = issuesOf(flowCalling(post({ uri: 'connector://http.payroll/runs' })));
    expect(issue).to.include({ rule: 'unknown-connector', path: `${TASK}/with/endpoint/uri`, task: TASK });
    expect(issue?.message).to.contain("'http.payroll' is not a configured http connector instance");
    expect(issue?.message).to.contain('http.billing, http.crm_legacy');
  });

  it('refuses an endpoint that is a runtime expression, a non-http instance, or a path with . or .. segments', () => {
    for (const endpoint of [
      '${ "connector://http.billing/invoices/" + .id }',
      'connector://erp.main/invoices',
      'connector://http.billing/invoices/../admin',
      'connector://http.billing/%2e%2e/admin',
    ]) {
      const issues = issuesOf(flowCalling(post(endpoint)));
      expect(
        issues.map((i) => [i.rule, i.path]),
        endpoint,
      ).to.deep.equal([['http-call', `${TASK}/with/endpoint`]]);
    }
  });

  it('refuses inline authentication, credential headers and query parameters, and use.authentications', () => {
    const flow = flowCalling(
      post(
        { uri: 'connector://http.billing/invoices', authentication: { bearer: { token: 'sk_live_123' } } },
        { headers: { 'X-API-Key': 'abc', Authorization: 'Bearer x' }, query: { access_token: 'abc', page: '1' } },
      ),
    );
    flow.use = { authentications: { billing: { basic: { username: 'u', password: 'p' } } } };
    const issues = issuesOf(flow);
    expect(issues.map((i) => [i.rule, i.path])).to.have.deep.members([
      ['http-authentication', `${TASK}/with/endpoint/authentication`],
      ['http-authentication', `${TASK}/with/headers/X-API-Key`],
      ['http-authentication', `${TASK}/with/headers/Authorization`],
      ['http-authentication', `${TASK}/with/query/access_token`],
      ['http-authentication', '/use/authentications'],
    ]);
    for (const issue of issues) expect(issue.message).to.contain('connector instance');
    const secretByReference = issuesOf(
      flowCalling(post({ uri: 'connector://http.billing/invoices', authentication: { use: 'billing' } })),
    );
    expect(secretByReference.map((i) => i.rule)).to.deep.equal(['http-authentication']);
  });

  it('refuses a method the connector does not send, reserved headers, output raw and redirect true', () => {
    const issues = issuesOf(
      flowCalling(
        post('connector://http.billing/invoices', {
          method: 'options',
          headers: { Host: 'evil.example', 'Idempotency-Key': 'k' },
          output: 'raw',
          redirect: true,
        }),
      ),
    );
    expect(issues.map((i) => [i.rule, i.path])).to.have.deep.members([
      ['http-call', `${TASK}/with/method`],
      ['http-call', `${TASK}/with/headers/Host`],
      ['http-call', `${TASK}/with/headers/Idempotency-Key`],
      ['http-call', `${TASK}/with/output`],
      ['http-call', `${TASK}/with/redirect`],
    ]);
  });

  it('finds http calls nested in a try', () => {
    const flow: JsonObject = {
      document: { dsl: '1.0.0', namespace: 'billing', name: 'nested', version: '1.0.0' },
      do: [
        {
          guarded: {
            try: [{ call1: { call: 'http', with: { method: 'get', endpoint: 'https://x.example/' } } }],
            catch: { do: [{ recover: { set: { ok: false } } }] },
          },
        },
      ],
    };
    expect(issuesOf(flow).map((i) => i.path)).to.deep.equal(['/do/0/guarded/try/0/call1/with/endpoint']);
  });
});

describe('http endpoints for the interpreter (workflows/flow/http-endpoint.ts)', () => {
  it('reads the instance, the path template and its variables', () => {
    expect(
      parseHttpEndpoint({ uri: 'connector://http.billing/customers/{customerId}/invoices/{invoiceId}' }),
    ).to.deep.equal({
      ok: true,
      endpoint: {
        connector: 'http.billing',
        pathTemplate: '/customers/{customerId}/invoices/{invoiceId}',
        variables: ['customerId', 'invoiceId'],
      },
    });
    expect(parseHttpEndpoint('connector://http.billing')).to.deep.include({ ok: true });
  });

  it('fills {variables} from the task input, percent-encoded, and names a missing one', () => {
    expect(expandHttpPath('/customers/{customerId}/invoices/{n}', { customerId: 'a/b c', n: 7 })).to.equal(
      '/customers/a%2Fb%20c/invoices/7',
    );
    expect(() => expandHttpPath('/invoices/{invoiceId}', { other: 1 })).to.throw(/\{invoiceId\}/);
    expect(() => expandHttpPath('/invoices/{invoiceId}', { invoiceId: { nested: true } })).to.throw(/\{invoiceId\}/);
  });

  it('maps DSL methods to the SPI', () => {
    expect(['get', 'Post', 'PUT', 'patch', 'delete', 'head', 3].map(httpCallMethod)).to.deep.equal([
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      null,
      null,
    ]);
  });
});
