import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { ConfigError } from '../../config';
import { loadEventSources, parseEventSourcesFile } from '../../server/intake/event-sources-file';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import { intakeRecorderProcess } from '../support/intake-recorder.process';

const catalog = [...PROCESS_CATALOG, intakeRecorderProcess('unit')];
const ENV = { SHOP_SECRET: 'shop-secret', STRIPE_A: 'whsec_a', STRIPE_B: 'whsec_b' };

function problemsOf(text: string, env: Record<string, string> = ENV): string[] {
  try {
    parseEventSourcesFile(text, env, catalog, 'test.yaml');
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  expect.fail('expected a ConfigError');
}

const VALID = `
sources:
  shop:
    signature: { scheme: hmac-sha256, header: X-Shopify-Hmac-Sha256, secret: '\${SHOP_SECRET}' }
    eventId: { header: X-Shopify-Webhook-Id, trustUnsignedHeader: true }
    process: { type: orderToCash, mode: start, businessKey: orderId }
  stripe:
    signature: { scheme: stripe, secret: ['\${STRIPE_A}', '\${STRIPE_B}'] }
    eventId: { path: id }
    bodyLimit: 256kb
    process: { type: intakeRecorder, mode: signalWithStart, businessKey: data.object.key, input: data.object, signal: recordEvent, argument: data }
  approvals:
    signature: { scheme: shared-secret, header: Authorization, prefix: 'Bearer ', secret: '\${SHOP_SECRET}' }
    eventId: { path: 'events[0].id' }
    process: { type: purchaseApproval, mode: update, update: approve, businessKey: requestId, argument: decision, workflowId: 'purchase-{businessKey}', actor: { path: decision.approver } }
`;

describe('config/event-sources.yaml', () => {
  it('resolves each source: scheme with its secrets from the environment, event id location, body limit, mapping against the catalog', () => {
    const [shop, stripe, approvals] = parseEventSourcesFile(VALID, ENV, catalog);
    expect(shop).to.deep.include({
      name: 'shop',
      scheme: 'hmac-sha256',
      bodyLimitBytes: 1024 * 1024,
      eventId: { kind: 'header', header: 'X-Shopify-Webhook-Id' },
    });
    expect(shop!.mapping).to.deep.include({ mode: 'start', message: null, workflowIdTemplate: null });
    expect(shop!.mapping.process.type).to.equal('orderToCash');
    expect(shop!.mapping.input).to.deep.equal({ text: '$', segments: [] });
    const body = Buffer.from('{}');
    const signed = createHmac('sha256', 'shop-secret').update(body).digest('base64');
    expect(shop!.verifier.verify({ header: () => signed, rawBody: body, now: new Date() })).to.equal(null);

    expect(stripe).to.deep.include({ scheme: 'stripe', bodyLimitBytes: 256 * 1024 });
    expect(stripe!.mapping.businessKey?.segments).to.deep.equal(['data', 'object', 'key']);
    expect(stripe!.mapping.message?.definition.name).to.equal('recordEvent');
    expect(stripe!.mapping.message?.argument.segments).to.deep.equal(['data']);

    expect(approvals!.eventId).to.deep.equal({
      kind: 'path',
      path: { text: 'events[0].id', segments: ['events', 0, 'id'] },
    });
    expect(approvals!.mapping).to.deep.include({
      mode: 'update',
      input: null,
      workflowIdTemplate: 'purchase-{businessKey}',
    });
  });

  it('treats an empty file or `sources: {}` as no sources', () => {
    expect(parseEventSourcesFile('', ENV, catalog)).to.deep.equal([]);
    expect(parseEventSourcesFile('sources: {}\n', ENV, catalog)).to.deep.equal([]);
  });

  it('refuses literal secrets and names unset variables, never printing a value', () => {
    const literal = problemsOf(
      VALID.replace("'${SHOP_SECRET}' }\n    eventId: { header", "'hunter2' }\n    eventId: { header"),
    );
    expect(literal).to.deep.equal([
      'test.yaml: sources.shop.signature.secret: must be an ${ENV_VAR} reference: literal secrets are not allowed in this file',
    ]);
    const unset = problemsOf(VALID, { SHOP_SECRET: 'x', STRIPE_A: 'y' });
    expect(unset).to.deep.equal([
      'test.yaml: sources.stripe.signature.secret: environment variable STRIPE_B is not set',
    ]);
    expect(unset.join()).to.not.contain('whsec');
  });

  it('checks every mapping against the catalog and the mode, naming the field', () => {
    const source = (process: string) => `
sources:
  s:
    signature: { scheme: shared-secret, header: X-Token, secret: '\${SHOP_SECRET}' }
    eventId: { path: id }
    process: ${process}
`;
    expect(problemsOf(source('{ type: shipIt, mode: start, businessKey: id }'))[0]).to.match(
      /^test\.yaml: sources\.s\.process\.type: no workflow type "shipIt" in the catalog \(known: orderToCash, /,
    );
    expect(
      problemsOf(source('{ type: intakeRecorder, mode: signalWithStart, businessKey: id, signal: launch }')),
    ).to.deep.equal([
      'test.yaml: sources.s.process.signal: "intakeRecorder" declares no signal "launch" (declared: recordEvent, finish)',
    ]);
    expect(problemsOf(source('{ type: intakeRecorder, mode: signal, businessKey: id }'))).to.deep.equal([
      'test.yaml: sources.s.process.signal: mode signal needs the signal to send',
      'test.yaml: sources.s.process.workflowId: mode signal needs the workflow id of the run to reach, with {businessKey} (e.g. purchase-{businessKey})',
    ]);
    expect(
      problemsOf(
        source(
          "{ type: intakeRecorder, mode: start, businessKey: id, signal: recordEvent, workflowId: 'x-{businessKey}' }",
        ),
      ),
    ).to.deep.equal([
      'test.yaml: sources.s.process.signal: mode start sends no signal',
      'test.yaml: sources.s.process.workflowId: mode start takes the workflow id from the process (its business key in the input)',
    ]);
    expect(
      problemsOf(
        source(
          "{ type: purchaseApproval, mode: update, update: approve, businessKey: 'a..b', input: x, workflowId: 'p-{businessKey}', actor: { path: approver } }",
        ),
      ),
    ).to.deep.equal([
      'test.yaml: sources.s.process.input: mode update starts no run, so it takes no input',
      'test.yaml: sources.s.process.businessKey: "a..b" is not a path: use names and [index] joined by dots, e.g. data.object.id or lines[0].sku',
    ]);
  });

  it('when a source takes its event id from a header no signature covers and does not declare it trusts it, then the load fails naming the source and field', () => {
    const source = (scheme: string, eventId: string) => `
sources:
  shop:
    signature: ${scheme}
    eventId: ${eventId}
    process: { type: orderToCash, mode: start, businessKey: orderId }
`;
    const hmac = "{ scheme: hmac-sha256, header: X-Sig, secret: '${SHOP_SECRET}' }";
    const refused = problemsOf(source(hmac, '{ header: X-Shop-Event-Id }'));
    expect(refused).to.have.length(1);
    expect(refused[0]).to.match(
      /^test\.yaml: sources\.shop\.eventId\.header: the hmac-sha256 signature does not cover the X-Shop-Event-Id header/,
    );
    expect(refused[0]).to.contain('eventId: { path: <field> }').and.contain('trustUnsignedHeader: true');
    for (const scheme of [
      "{ scheme: stripe, secret: '${SHOP_SECRET}' }",
      "{ scheme: shared-secret, header: Authorization, secret: '${SHOP_SECRET}' }",
    ]) {
      expect(problemsOf(source(scheme, '{ header: X-Shop-Event-Id }'))[0]).to.match(
        /sources\.shop\.eventId\.header: the (stripe|shared-secret) signature does not cover/,
      );
    }
    expect(problemsOf(source(hmac, '{ header: X-Shop-Event-Id, trustUnsignedHeader: false }'))[0]).to.contain(
      'sources.shop.eventId.header',
    );
    expect(problemsOf(source(hmac, "{ header: X-Shop-Event-Id, trustUnsignedHeader: 'yes' }"))[0]).to.match(
      /^test\.yaml: sources\.shop\.eventId/,
    );

    const [trusted] = parseEventSourcesFile(
      source(hmac, '{ header: X-Shop-Event-Id, trustUnsignedHeader: true }'),
      ENV,
      catalog,
    );
    expect(trusted!.eventId).to.deep.equal({ kind: 'header', header: 'X-Shop-Event-Id' });
    const [signed] = parseEventSourcesFile(source(hmac, '{ path: orderId }'), ENV, catalog);
    expect(signed!.eventId).to.deep.equal({ kind: 'path', path: { text: 'orderId', segments: ['orderId'] } });
  });

  it('refuses a path naming an array index past 999, naming the field', () => {
    const problems = problemsOf(`
sources:
  s:
    signature: { scheme: shared-secret, header: X-Token, secret: '\${SHOP_SECRET}' }
    eventId: { path: 'events[1000].id' }
    process: { type: orderToCash, mode: start, businessKey: orderId }
`);
    expect(problems).to.deep.equal([
      'test.yaml: sources.s.eventId.path: the index [1000] in "events[1000].id" is past the largest allowed, 999',
    ]);
  });

  it('refuses unknown keys, bad source names, unknown schemes and oversized body limits', () => {
    const problems = problemsOf(`
sources:
  Shop!:
    signature: { scheme: hmac-sha256, header: X-Sig, secret: '\${SHOP_SECRET}' }
    eventId: { header: X-Id }
    process: { type: orderToCash, mode: start, businessKey: orderId }
  legacy:
    signature: { scheme: md5, header: X-Sig, secret: '\${SHOP_SECRET}' }
    eventId: { header: X-Id }
    process: { type: orderToCash, mode: start, businessKey: orderId }
  ok:
    signature: { scheme: stripe, secret: '\${SHOP_SECRET}', colour: red }
    eventId: { header: X-Id }
    bodyLimit: 20mb
    process: { type: orderToCash, mode: start, businessKey: orderId }
`);
    expect(problems).to.include(
      'test.yaml: sources.Shop!: a source name is lowercase letters, digits, ".", "_" and "-", at most 60',
    );
    expect(problems.some((p) => p.startsWith('test.yaml: sources.legacy.signature.scheme:'))).to.equal(true);
    expect(problems).to.include('test.yaml: sources.ok.signature.colour: is not allowed here');
    expect(problems).to.include('test.yaml: sources.ok.bodyLimit: must be at most 10mb');
  });

  it('reads EVENT_SOURCES_FILE, fails when that file is missing, and finds no sources when the default file is absent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'junction-sources-'));
    try {
      const file = join(dir, 'event-sources.yaml');
      await writeFile(file, VALID);
      expect((await loadEventSources({ file, env: ENV, catalog })).map((s) => s.name)).to.deep.equal([
        'shop',
        'stripe',
        'approvals',
      ]);
      const missing = await loadEventSources({ file: join(dir, 'nope.yaml'), env: ENV, catalog }).catch(
        (error: unknown) => error,
      );
      expect(missing).to.be.instanceOf(ConfigError);
      expect((missing as Error).message).to.contain('EVENT_SOURCES_FILE');
      // The checkout's own config/event-sources.yaml lists none (every example is commented out).
      expect(await loadEventSources({ file: null, env: {}, catalog })).to.deep.equal([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
