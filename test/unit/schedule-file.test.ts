import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { ConfigError } from '../../config';
import { parseSchedulesFile, readSchedulesFile, SchedulesFileError } from '../../server/schedules/schedules-file';
import { DEFAULT_SCHEDULES_FILE } from '../../server/schedules/sync-from-config';
import { PROCESS_CATALOG } from '../../workflows/catalog';

const context = { catalog: PROCESS_CATALOG };

function fileError(text: string): SchedulesFileError {
  try {
    parseSchedulesFile(text, context, 'test.yaml');
  } catch (error) {
    expect(error).to.be.instanceOf(SchedulesFileError);
    return error as SchedulesFileError;
  }
  expect.fail('expected a SchedulesFileError');
}

const ORDER_INPUT = `
    input:
      orderId: S-1
      customer: { email: ada@customer.example, firstName: Ada, lastName: Lovelace }
      currency: EUR
      lines: [{ sku: SKU-1, quantity: 1, unitAmount: 100 }]
      payment: { token: tok_visa }`;

describe('config/schedules.yaml', () => {
  it('parses every entry, applying defaults and checking the input against the workflow schema', () => {
    const file = parseSchedulesFile(
      `
schedules:
  - id: hourly
    workflow: orderToCash${ORDER_INPUT}
    every: 1h
  - id: nightly
    description: at two
    workflow: orderToCash${ORDER_INPUT}
    cron: '0 2 * * *'
    timezone: Europe/Berlin
    overlap: buffer_one
    catchupWindow: 1 day
    paused: true
    note: not yet
`,
      { catalog: PROCESS_CATALOG, connectorDefaults: { crm: 'crm.eu' } },
      'test.yaml',
    );
    expect(file.schedules.map((schedule) => schedule.spec.id)).to.deep.equal(['hourly', 'nightly']);
    expect(file.schedules[0]!.spec).to.include({ timezone: 'UTC', overlap: 'skip', paused: false, every: '1h' });
    expect(file.schedules[0]!.process.type).to.equal('orderToCash');
    expect((file.schedules[0]!.spec.input as { connectors: unknown }).connectors).to.deep.equal({ crm: 'crm.eu' });
    expect(file.schedules[1]!.spec).to.include({
      cron: '0 2 * * *',
      timezone: 'Europe/Berlin',
      overlap: 'buffer_one',
      catchupWindow: '1 day',
      paused: true,
      note: 'not yet',
    });
  });

  it('an empty or fully commented file declares no schedules, and the shipped file parses (npm start on a fresh machine)', async () => {
    expect(parseSchedulesFile('', context).schedules).to.deep.equal([]);
    expect(parseSchedulesFile('# schedules:\n#  - id: x\n', context).schedules).to.deep.equal([]);
    const shipped = await readSchedulesFile(DEFAULT_SCHEDULES_FILE, context, { required: true });
    expect(shipped?.schedules).to.be.an('array');
    expect(parseSchedulesFile(await readFile(DEFAULT_SCHEDULES_FILE, 'utf8'), context).schedules).to.have.length(
      shipped!.schedules.length,
    );
  });

  it('names the entry (index and id) and the field of every problem, across entries', () => {
    const error = fileError(`
schedules:
  - id: hourly
    workflow: orderToCash
    input:
      orderId: S-1
      customer: { email: not-an-email, firstName: Ada, lastName: Lovelace }
      currency: EUR
      lines: [{ sku: SKU-1, quantity: 0, unitAmount: 100 }]
      payment: { token: tok_visa }
    every: 1h
  - id: nightly
    workflow: orderToCash
    input: {}
    cron: '0 2 * * *'
    every: 1h
    timezone: Mars/Olympus
  - id: rockets
    workflow: launchRockets
    input: {}
    every: 1h
  - workflow: orderToCash
    every: 1h
    colour: blue
`);
    expect(error.problems).to.include.members([
      'test.yaml: schedules[0] (hourly).input.customer.email: Invalid email address',
      'test.yaml: schedules[0] (hourly).input.lines[0].quantity: Too small: expected number to be >0',
      'test.yaml: schedules[1] (nightly).timezone: must be an IANA time zone such as Europe/Berlin or UTC',
      'test.yaml: schedules[3].colour: is not allowed here',
    ]);
    expect(
      error.problems.some((p) =>
        p.startsWith('test.yaml: schedules[2] (rockets).workflow: unknown workflow type "launchRockets"'),
      ),
    ).to.equal(true);
    expect(error.problems.some((p) => p.startsWith('test.yaml: schedules[3].id: '))).to.equal(true);
    expect(error.message).to.contain('Invalid configuration').and.contain('schedules[1] (nightly).timezone');
  });

  it('refuses a second entry with the same id, naming both', () => {
    const error = fileError(`
schedules:
  - { id: twice, workflow: orderToCash, input: {}, every: 1h }
  - { id: twice, workflow: orderToCash, input: {}, every: 2h }
`);
    expect(error.problems).to.include(
      'test.yaml: schedules[1] (twice).id: "twice" is already declared by schedules[0]',
    );
  });

  it('refuses text that is not YAML, unknown top-level keys and entries that are not objects', () => {
    expect(fileError('schedules: [').problems[0]).to.match(/^test\.yaml: not valid YAML/);
    expect(fileError('schedule: []').problems).to.deep.equal(['test.yaml: schedule: is not allowed here']);
    expect(fileError('schedules: [42]').problems[0]).to.match(/^test\.yaml: schedules\[0\]: /);
  });

  it('is a configuration error (start-up exits with EX_CONFIG), and only a file named explicitly must exist', async () => {
    expect(fileError('schedule: []')).to.be.instanceOf(ConfigError);
    expect(await readSchedulesFile('/nonexistent/schedules.yaml', context, { required: false })).to.equal(null);
    const missing = await readSchedulesFile('/nonexistent/schedules.yaml', context, { required: true }).catch(
      (e: unknown) => e,
    );
    expect(missing).to.be.instanceOf(SchedulesFileError);
  });
});
