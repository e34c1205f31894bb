import { expect } from 'chai';
import { ConfigError } from '../../config';
import { loadJq, type JqRuntime } from '../../server/flows/jq/jq-runtime';
import { eventIdOf, mapEvent, type InputPreparation } from '../../server/intake/event-mapping';
import type { EventSource } from '../../server/intake/event-source';
import { parseEventSourcesFile } from '../../server/intake/event-sources-file';
import { importedEventOf } from '../../server/imports/imported-event';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import { refusal } from '../support/expect-app-error';
import { intakeRecorderProcess } from '../support/intake-recorder.process';

const catalog = [...PROCESS_CATALOG, intakeRecorderProcess('unit')];
const ENV = { S: 'secret' };
const noDeployment: InputPreparation = {
  connectorDefaults: {},
  deployment: { unsupportedOperations: () => undefined },
};
const noHeaders = () => undefined;

/** One source `s` with this eventId and process (YAML flow-style text). */
const sourceYaml = (eventId: string, processFields: string) => `
sources:
  s:
    signature: { scheme: hmac-sha256, header: X-Sig, secret: '\${S}' }
    eventId: ${eventId}
    process: ${processFields}
`;

describe('event sources: jq mappings of the vendor payload (real jq)', () => {
  let jq: JqRuntime;
  before(async () => {
    jq = await loadJq();
  });

  const load = (text: string): EventSource => parseEventSourcesFile(text, ENV, catalog, 'test.yaml', jq)[0]!;

  function problemsOf(text: string): string[] {
    try {
      parseEventSourcesFile(text, ENV, catalog, 'test.yaml', jq);
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      return [...(error as ConfigError).problems];
    }
    expect.fail('expected a ConfigError');
  }

  it('when input is a jq expression, then the process receives what it makes of the event, validated, with the business key derived from it', () => {
    const source = load(
      sourceYaml(
        '{ path: "${ \\"\\\\(.id)@\\\\(.at)\\" }" }',
        `{ type: intakeRecorder, mode: start, input: '\${ {key: .order.ref | ascii_upcase, amount: (.order.cents / 100 | floor)} }' }`,
      ),
    );
    const event = { id: 7, at: 'T1', order: { ref: 'k-1', cents: 1250 } };
    const eventId = eventIdOf(source, noHeaders, event);
    expect(eventId).to.equal('7@T1');
    const mapped = mapEvent(source, event, eventId, noDeployment);
    expect(mapped.businessKey).to.equal('K-1');
    expect(mapped.command).to.include({ mode: 'start', workflowType: 'intakeRecorder', workflowId: 'unit-K-1' });
    expect(mapped.command.input).to.deep.equal({ key: 'K-1', amount: 12 });
  });

  it('when input is an object of expressions, then each is evaluated and other values stay literal', () => {
    const source = load(`
sources:
  s:
    signature: { scheme: hmac-sha256, header: X-Sig, secret: '\${S}' }
    eventId: { path: id }
    process:
      type: intakeRecorder
      mode: start
      businessKey: '\${ .ref | ascii_upcase }'
      input:
        key: '\${ .ref | ascii_upcase }'
        amount: 3
`);
    const mapped = mapEvent(source, { id: 'e', ref: 'abc' }, 'e', noDeployment);
    expect(mapped.command.input).to.deep.equal({ key: 'ABC', amount: 3 });
    expect(mapped.businessKey).to.equal('ABC');
  });

  it('when a mapped input does not fit the process, then 400 names the field in the mapped input', () => {
    const source = load(
      sourceYaml('{ path: id }', `{ type: intakeRecorder, mode: start, input: '\${ {key: .ref, amount: .n} }' }`),
    );
    const error = refusal(() => mapEvent(source, { id: 'e', ref: 'k', n: -2 }, 'e', noDeployment));
    expect(error.status).to.equal(400);
    expect(error.detail).to.contain(
      "The intakeRecorder input that the source's jq mapping made of this event is invalid",
    );
    expect(error.errors).to.deep.equal([{ field: 'amount', message: 'Too small: expected number to be >0' }]);
  });

  it("when an expression fails on the event, then 400 carries jq's message; null from a mapping counts as missing", () => {
    const source = load(
      sourceYaml(
        '{ path: id }',
        `{ type: intakeRecorder, mode: start, input: '\${ {key: .ref, amount: (.n | tonumber)} }' }`,
      ),
    );
    const failed = refusal(() => mapEvent(source, { id: 'e', ref: 'k', n: 'ten' }, 'e', noDeployment));
    expect(failed.status).to.equal(400);
    expect(failed.code).to.equal('event-mapping-failed');
    expect(failed.detail).to.contain("The source's jq mapping of the intakeRecorder input failed on this event");
    expect(failed.detail).to.contain("(while parsing 'ten')");

    const nothing = load(sourceYaml('{ path: id }', `{ type: intakeRecorder, mode: start, input: '\${ .order }' }`));
    expect(refusal(() => mapEvent(nothing, { id: 'e' }, 'e', noDeployment)).errors).to.deep.equal([
      { field: '(event)', message: 'is missing (the intakeRecorder input)' },
    ]);
    const noId = load(sourceYaml('{ path: "${ .meta.id }" }', `{ type: intakeRecorder, mode: start }`));
    expect(refusal(() => eventIdOf(noId, noHeaders, { meta: {} })).code).to.equal('missing-event-id');
  });

  it('when an expression does not parse, then the file does not load, naming the source, the field and the position', () => {
    const problems = problemsOf(
      sourceYaml(
        '{ path: "${ .id | }" }',
        `{ type: intakeRecorder, mode: start, input: { key: '\${ .a.[ }', amount: '\${ nosuch(1) }' } }`,
      ),
    );
    expect(problems).to.have.length(3);
    expect(problems[0]).to.match(
      /^test\.yaml: sources\.s\.process\.input\.key: the jq expression \$\{ \.a\.\[ \} does not parse at position \d+: /,
    );
    expect(problems[1]).to.match(
      /^test\.yaml: sources\.s\.process\.input\.amount: the jq expression \$\{ nosuch\(1\) \} does not parse at position 1: nosuch\/1 is not defined/,
    );
    expect(problems[2]).to.match(
      /^test\.yaml: sources\.s\.eventId\.path: the jq expression \$\{ \.id \| \} does not parse at position 6: /,
    );
  });

  it('when a value mixes text and ${ }, then the file does not load: an expression is a whole value', () => {
    expect(
      problemsOf(
        sourceYaml('{ path: id }', `{ type: intakeRecorder, mode: start, input: { key: 'K-\${ .n }', amount: 1 } }`),
      ),
    ).to.deep.equal([
      'test.yaml: sources.s.process.input.key: a jq expression must be the whole value, ${ … }; to build a string, use jq inside it: ${ "Order \\(.id)" }',
    ]);
  });

  it('when the loader is given no jq, then a source with a jq mapping does not load (paths alone need none)', () => {
    const text = sourceYaml('{ path: id }', `{ type: intakeRecorder, mode: start, input: '\${ . }' }`);
    expect(() => parseEventSourcesFile(text, ENV, catalog, 'test.yaml')).to.throw(ConfigError, 'needs the jq runtime');
    expect(
      parseEventSourcesFile(sourceYaml('{ path: id }', '{ type: intakeRecorder, mode: start }'), ENV, catalog),
    ).to.have.length(1);
  });

  it('when a signal or update source leaves out the business key, then the file does not load (start modes may)', () => {
    expect(
      problemsOf(
        sourceYaml(
          '{ path: id }',
          "{ type: intakeRecorder, mode: signal, signal: recordEvent, workflowId: 'unit-{businessKey}' }",
        ),
      ),
    ).to.deep.equal([
      'test.yaml: sources.s.process.businessKey: mode signal needs the business key, which names the run to reach',
    ]);
  });

  it('when a row of a jq-mapped source is imported, then the inbox keeps the mapped input at the root, not the row', () => {
    const source = load(
      sourceYaml('{ path: id }', `{ type: intakeRecorder, mode: start, input: '\${ {key: .ref, amount: .n} }' }`),
    );
    const mapped = mapEvent(source, { id: 'e', ref: 'k', n: 2, junk: 'x'.repeat(100) }, 'e', noDeployment);
    expect(importedEventOf(source, mapped.command)).to.deep.equal({ key: 'k', amount: 2 });
  });

  it('when a signal argument is a jq mapping, then the message carries what it makes of the event', () => {
    const source = load(
      sourceYaml(
        '{ path: id }',
        `{ type: intakeRecorder, mode: signal, signal: recordEvent, businessKey: '\${ .k }', workflowId: 'unit-{businessKey}', argument: { kind: '\${ .type }', via: webhook } }`,
      ),
    );
    const mapped = mapEvent(source, { id: 'e', k: 'K', type: 'paid' }, 'e', noDeployment);
    expect(mapped.command.workflowId).to.equal('unit-K');
    expect(mapped.command.message).to.deep.equal({ name: 'recordEvent', arg: { kind: 'paid', via: 'webhook' } });
  });
});
