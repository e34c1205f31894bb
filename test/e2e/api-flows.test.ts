import { expect } from 'chai';
import { parse } from 'yaml';
import { expectProblem, keyedCall } from '../support/api-client';
import { auditRowOf } from './admin-api.support';
import { flowFixture, startFlowsApiStack, type FlowsApiStack } from './flows-api.support';

interface Issue {
  path: string;
  rule: string;
  message: string;
  task?: string;
  line?: number;
  column?: number;
}

describe('API flows (e2e): publish, read, deprecate and retire flow versions', function () {
  this.timeout(60_000);
  let stack: FlowsApiStack;
  let writer: string;
  let reader: string;
  let runsOnly: string;
  let greeting: string;
  const call = keyedCall(
    () => stack.server.url,
    () => writer,
  );

  before(async () => {
    stack = await startFlowsApiStack('api_flows');
    writer = await stack.createKey('flow-publisher', ['flows:write']);
    reader = await stack.createKey('flow-reader', ['flows:read']);
    runsOnly = await stack.createKey('shop', ['runs:read', 'runs:write']);
    greeting = await flowFixture('greeting.yaml');
  });

  after(async () => {
    await stack?.close();
  });

  describe('POST /v1/flows', () => {
    it('publishes a valid YAML flow as version 1.0.0 (201, Location), and audits it', async () => {
      const reply = await stack.publish(writer, greeting);
      expect(reply.status, reply.text).to.equal(201);
      expect(reply.headers.get('location')).to.equal('/v1/flows/greeting/versions/1.0.0');
      expect(reply.body).to.include({
        outcome: 'created',
        name: 'greeting',
        version: '1.0.0',
        workflowType: 'flow:greeting',
      });
      expect(reply.body.contentHash).to.match(/^[0-9a-f]{64}$/);
      expect(reply.body.flow).to.include({ status: 'published', title: 'Greeting' });
      expect((reply.body.flow as { publishedBy: string }).publishedBy).to.match(/^flow-publisher \(/);
      const row = await auditRowOf(stack.db, reply);
      expect(row).to.include({
        action: 'flows.publish',
        target: 'greeting@1.0.0',
        outcome: 'success',
        statusCode: 201,
      });
      expect(row.details).to.include({ outcome: 'created', contentHash: reply.body.contentHash });
    });

    it('answers a republish of the same content 200 unchanged, in YAML or as JSON (the hash is of canonical JSON)', async () => {
      const again = await stack.publish(writer, greeting);
      expect(again.status, again.text).to.equal(200);
      expect(again.body.outcome).to.equal('unchanged');
      const asJson = await stack.publish(writer, JSON.stringify(parse(greeting)), 'application/json');
      expect(asJson.status, asJson.text).to.equal(200);
      expect(asJson.body).to.include({ outcome: 'unchanged', contentHash: again.body.contentHash });
    });

    it('refuses other content under a published name@version with 409', async () => {
      const changed = greeting.replace('"Hello, "', '"Hi, "');
      const reply = await stack.publish(writer, changed);
      expectProblem(reply, 409, 'flow-version-exists');
      expect(reply.body.detail).to.match(/greeting.*1\.0\.0.*raise document\.version/);
    });

    it('refuses an invalid flow with 400 listing every issue: task path, rule, and the jq position', async () => {
      const reply = await stack.publish(writer, await flowFixture('invalid-order.yaml'));
      expectProblem(reply, 400, 'invalid-flow');
      const issues = reply.body.issues as Issue[];
      expect(issues.map((issue) => [issue.path, issue.rule, issue.task])).to.deep.equal([
        ['/do/0/createSalesOrder/with/connector', 'unknown-connector', '/do/0/createSalesOrder'],
        ['/do/1/summarize/set/total', 'expression', '/do/1/summarize'],
      ]);
      expect(issues[0]!.message).to.include("'erp.nowhere' is not a configured erp connector instance");
      expect(issues[1]!.message).to.match(/does not parse at position \d+/);
      expect(reply.body.errors).to.deep.include({
        field: '/do/0/createSalesOrder/with/connector',
        message: `unknown-connector: ${issues[0]!.message}`,
      });
      const listed = await call('GET', '/v1/flows/invalid-order/versions');
      expectProblem(listed, 404, 'flow-not-found');
    });

    it('names the line and column of a YAML syntax error', async () => {
      const reply = await stack.publish(writer, 'document:\n  name: [unclosed\n');
      expectProblem(reply, 400, 'invalid-flow');
      const [issue] = reply.body.issues as Issue[];
      expect(issue).to.include({ rule: 'syntax', line: 3, column: 1 });
    });

    it('refuses an input schema that does not compile', async () => {
      const text = greeting
        .replace("version: '1.0.0'", "version: '9.0.0'")
        .replace('type: object\n      required', 'type: objekt\n      required');
      const reply = await stack.publish(writer, text);
      expectProblem(reply, 400, 'invalid-flow');
      expect((reply.body.issues as Issue[])[0]).to.include({ path: '/input/schema/document', rule: 'schema' });
    });

    it('validates without storing on dryRun=true, with flows:read', async () => {
      const text = greeting.replace("version: '1.0.0'", "version: '0.9.0'");
      const reply = await stack.publish(reader, text, 'application/yaml', '?dryRun=true');
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body).to.include({ outcome: 'valid', name: 'greeting', version: '0.9.0', flow: null });
      expectProblem(await call('GET', '/v1/flows/greeting/versions/0.9.0'), 404, 'flow-version-not-found');
      const row = await auditRowOf(stack.db, reply);
      expect(row).to.include({ action: 'flows.validate', target: 'greeting@0.9.0' });
    });

    it('answers 415 to a body that is neither YAML nor JSON, and 403 to a key without flows:write', async () => {
      expectProblem(await stack.publish(writer, greeting, 'text/plain'), 415, 'unsupported-media-type');
      expectProblem(await stack.publish(reader, greeting), 403);
      expectProblem(await stack.publish(runsOnly, greeting, 'application/yaml', '?dryRun=true'), 403);
    });
  });

  describe('GET /v1/flows…', () => {
    before(async () => {
      const v110 = greeting.replace("version: '1.0.0'", "version: '1.10.0'");
      const v12 = greeting.replace("version: '1.0.0'", "version: '1.2.0'");
      expect((await stack.publish(writer, v110)).status).to.equal(201);
      expect((await stack.publish(writer, v12)).status).to.equal(201);
    });

    it('lists each flow once with its latest version (semver order), status and default version', async () => {
      const reply = await call('GET', '/v1/flows', { key: reader });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body.items).to.deep.equal([
        {
          name: 'greeting',
          workflowType: 'flow:greeting',
          latestVersion: '1.10.0',
          status: 'published',
          defaultVersion: '1.10.0',
          versions: 3,
          title: 'Greeting',
          summary: 'Greets a customer by name',
          links: { versions: '/v1/flows/greeting/versions' },
        },
      ]);
    });

    it('lists the versions newest first and shows one with document, source and summary', async () => {
      const versions = await call<{ items: { version: string }[] }>('GET', '/v1/flows/greeting/versions', {
        key: reader,
      });
      expect(versions.body.items.map((item) => item.version)).to.deep.equal(['1.10.0', '1.2.0', '1.0.0']);
      const shown = await call('GET', '/v1/flows/greeting/versions/1.0.0', { key: reader });
      expect(shown.status, shown.text).to.equal(200);
      expect(shown.body).to.include({ name: 'greeting', version: '1.0.0', status: 'published', source: greeting });
      expect(shown.body.document).to.deep.equal(parse(greeting));
      expect(shown.body.description).to.deep.include({ namespace: 'tests', taskPaths: ['/do/0/greet'] });
    });

    it('answers 403 to a key with runs scopes only, and 404 for an unknown flow or version', async () => {
      expectProblem(await call('GET', '/v1/flows', { key: runsOnly }), 403);
      expectProblem(await call('GET', '/v1/flows/nothing-here/versions'), 404, 'flow-not-found');
      expectProblem(await call('GET', '/v1/flows/greeting/versions/7.0.0'), 404, 'flow-version-not-found');
      expectProblem(await call('GET', '/v1/flows/greeting/versions/not-semver'), 400);
    });
  });

  describe('deprecate and retire', () => {
    it('deprecates a version (the default moves to the newest published one), audited', async () => {
      const reply = await call('POST', '/v1/flows/greeting/versions/1.10.0/deprecate');
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body).to.include({ status: 'deprecated', statusChangedBy: reply.body.publishedBy });
      const row = await auditRowOf(stack.db, reply);
      expect(row).to.include({ action: 'flows.deprecate', target: 'greeting@1.10.0', outcome: 'success' });
      const listed = await call<{ items: Record<string, unknown>[] }>('GET', '/v1/flows');
      expect(listed.body.items[0]).to.include({
        latestVersion: '1.10.0',
        status: 'deprecated',
        defaultVersion: '1.2.0',
      });
      // Again: the same answer.
      expect((await call('POST', '/v1/flows/greeting/versions/1.10.0/deprecate')).status).to.equal(200);
    });

    it('retires a version for good: deprecating it then answers 409', async () => {
      const reply = await call('POST', '/v1/flows/greeting/versions/1.0.0/retire');
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body.status).to.equal('retired');
      expectProblem(await call('POST', '/v1/flows/greeting/versions/1.0.0/deprecate'), 409, 'flow-retired');
      const row = await auditRowOf(stack.db, reply);
      expect(row).to.include({ action: 'flows.retire', target: 'greeting@1.0.0' });
    });

    it('needs flows:write (403 with flows:read, audited as a failure), and 404 for an unknown version', async () => {
      const refused = await call('POST', '/v1/flows/greeting/versions/1.2.0/retire', { key: reader });
      expectProblem(refused, 403);
      const row = await auditRowOf(stack.db, refused);
      expect(row).to.include({ action: 'flows.retire', target: 'greeting@1.2.0', outcome: 'failure', statusCode: 403 });
      expectProblem(await call('POST', '/v1/flows/greeting/versions/3.0.0/retire'), 404, 'flow-version-not-found');
    });
  });

  it('documents every /v1/flows operation in /openapi.json', async () => {
    const reply = await call<{ paths: Record<string, Record<string, { operationId: string }>> }>(
      'GET',
      '/openapi.json',
      { key: null },
    );
    const ids = Object.entries(reply.body.paths)
      .filter(([path]) => path.startsWith('/v1/flows'))
      .flatMap(([, item]) => Object.values(item).map((operation) => operation.operationId));
    expect(ids).to.have.members([
      'publishFlow',
      'listFlows',
      'listFlowVersions',
      'getFlowVersion',
      'deprecateFlowVersion',
      'retireFlowVersion',
    ]);
  });
});
