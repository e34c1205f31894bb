import { expect } from 'chai';
import { resolveScheduleSpec, type ResolvedSchedule } from '../../server/schedules/resolve-spec';
import { MANAGED_BY_MEMO_KEY, SPEC_MEMO_KEY, specHashOf, specMemoOf } from '../../server/schedules/schedule-memo';
import { toScheduleOptions, toScheduleUpdateOptions, toTemporalSpec } from '../../server/schedules/schedule-options';
import { scheduleSpecSchema, type ScheduleSpec } from '../../server/schedules/schedule-spec';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import { newOrderInput } from '../support/order-fixtures';

function resolved(raw: Record<string, unknown>): ResolvedSchedule {
  const spec = scheduleSpecSchema.parse(raw);
  const result = resolveScheduleSpec(spec.id, spec, { catalog: PROCESS_CATALOG });
  if (!result.success) expect.fail(JSON.stringify(result.issues));
  return result.schedule;
}

describe('schedule spec → Temporal ScheduleOptions', () => {
  const input = newOrderInput();

  it('a cron schedule becomes cronExpressions in its time zone, starting the process with its input, search attributes and a per-schedule workflow ID', () => {
    const { spec, process } = resolved({
      id: 'nightly',
      workflow: 'orderToCash',
      input,
      cron: '0 2 * * *',
      timezone: 'Europe/Berlin',
    });
    const options = toScheduleOptions(spec, process, { taskQueue: 'tq-1', managedBy: 'config' });

    expect(options.scheduleId).to.equal('nightly');
    expect(options.spec).to.deep.equal({ cronExpressions: ['0 2 * * *'], timezone: 'Europe/Berlin' });
    expect(options.policies).to.deep.equal({ overlap: 'SKIP' });
    expect(options.state).to.deep.equal({ paused: false });
    expect(options.memo).to.deep.equal({ [MANAGED_BY_MEMO_KEY]: 'config' });
    expect(options.action).to.include({
      type: 'startWorkflow',
      workflowType: 'orderToCash',
      workflowId: 'schedule-nightly',
      taskQueue: 'tq-1',
    });
    expect(options.action.args).to.deep.equal([input]);
    const attributes = Object.fromEntries(
      (options.action.typedSearchAttributes as { key: { name: string }; value: unknown }[]).map((pair) => [
        pair.key.name,
        pair.value,
      ]),
    );
    expect(attributes).to.include({
      BusinessKey: input.orderId,
      CustomerEmail: input.customer.email,
      ProcessStatus: 'RUNNING',
    });
  });

  it('the action memo carries the spec without its input and a hash of the whole spec and task queue', () => {
    const { spec, process } = resolved({
      id: 'nightly',
      description: 'nightly order',
      workflow: 'orderToCash',
      input,
      cron: ['0 2 * * *', '0 14 * * *'],
    });
    const memo = specMemoOf(toScheduleOptions(spec, process, { taskQueue: 'tq-1', managedBy: 'api' }).action.memo);
    expect(memo?.specHash).to.equal(specHashOf(spec, 'tq-1'));
    expect(memo?.spec).to.deep.equal({
      id: 'nightly',
      description: 'nightly order',
      workflow: 'orderToCash',
      cron: ['0 2 * * *', '0 14 * * *'],
      timezone: 'UTC',
      overlap: 'skip',
      paused: false,
    });
    expect(memo?.spec).not.to.have.property('input');
    expect(toScheduleOptions(spec, process, { taskQueue: 'tq-1', managedBy: 'api' }).action.memo).to.have.property(
      SPEC_MEMO_KEY,
    );
  });

  it('intervals, offsets, catch-up windows, overlap policies, paused state and notes translate to Temporal units', () => {
    const { spec, process } = resolved({
      id: 'daily',
      workflow: 'orderToCash',
      input,
      every: { interval: '1 day', offset: '2h' },
      overlap: 'buffer_one',
      catchupWindow: '1 day',
      paused: true,
      note: 'waiting for finance',
    });
    const options = toScheduleOptions(spec, process, { taskQueue: 'tq', managedBy: 'api' });
    expect(options.spec).to.deep.equal({ intervals: [{ every: 86_400_000, offset: 7_200_000 }], timezone: 'UTC' });
    expect(options.policies).to.deep.equal({ overlap: 'BUFFER_ONE', catchupWindow: 86_400_000 });
    expect(options.state).to.deep.equal({ paused: true, note: 'waiting for finance' });
    expect(toTemporalSpec({ ...spec, every: '90s' }).intervals).to.deep.equal([{ every: 90_000 }]);
  });

  it('update options replace spec, action, policies and state but never the schedule memo (who manages it)', () => {
    const { spec, process } = resolved({ id: 'x', workflow: 'orderToCash', input, every: '15m', overlap: 'allow_all' });
    const update = toScheduleUpdateOptions(spec, process, { taskQueue: 'tq' });
    expect(update).to.have.all.keys('spec', 'action', 'policies', 'state');
    expect(update.policies).to.deep.equal({ overlap: 'ALLOW_ALL' });
    expect(update.action.workflowId).to.equal('schedule-x');
  });

  it('the spec hash ignores key order but changes with the input, the timing and the task queue', () => {
    const base = resolved({ id: 'h', workflow: 'orderToCash', input, every: '1h' }).spec;
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as ScheduleSpec;
    expect(specHashOf(reordered, 'tq')).to.equal(specHashOf(base, 'tq'));
    expect(specHashOf({ ...base, input: { ...input, currency: 'USD' } }, 'tq')).not.to.equal(specHashOf(base, 'tq'));
    expect(specHashOf({ ...base, every: '2h' }, 'tq')).not.to.equal(specHashOf(base, 'tq'));
    expect(specHashOf(base, 'other-queue')).not.to.equal(specHashOf(base, 'tq'));
  });

  it('connector defaults are filled into the input of processes that choose connectors, as POST /v1/runs does', () => {
    const spec = scheduleSpecSchema.parse({ id: 'c', workflow: 'orderToCash', input, every: '1h' });
    const result = resolveScheduleSpec('c', spec, { catalog: PROCESS_CATALOG, connectorDefaults: { erp: 'erp.eu' } });
    expect(result.success).to.equal(true);
    if (result.success)
      expect((result.schedule.spec.input as { connectors: unknown }).connectors).to.deep.equal({ erp: 'erp.eu' });
  });
});

describe('schedule spec validation', () => {
  const input = newOrderInput();
  const fieldsOf = (raw: Record<string, unknown>): string[] => {
    const parsed = scheduleSpecSchema.safeParse(raw);
    expect(parsed.success, 'expected the spec to be refused').to.equal(false);
    return parsed.success
      ? []
      : parsed.error.issues.map(
          (issue) => issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : ''),
        );
  };

  it('needs exactly one of cron and every', () => {
    expect(fieldsOf({ id: 'a', workflow: 'orderToCash', input })).to.deep.equal(['cron']);
    expect(fieldsOf({ id: 'a', workflow: 'orderToCash', input, cron: '@daily', every: '1h' })).to.deep.equal(['every']);
  });

  it('refuses unknown time zones and the wrong spelling of known ones', () => {
    expect(fieldsOf({ id: 'a', workflow: 'orderToCash', input, every: '1h', timezone: 'Mars/Olympus' })).to.deep.equal([
      'timezone',
    ]);
    const misspelled = scheduleSpecSchema.safeParse({
      id: 'a',
      workflow: 'orderToCash',
      input,
      every: '1h',
      timezone: 'europe/berlin',
    });
    expect(misspelled.success).to.equal(false);
    expect(misspelled.error?.issues[0]?.message).to.equal('must be spelled Europe/Berlin');
  });

  it('refuses malformed durations, fractions of seconds and catch-up windows Temporal would silently raise', () => {
    expect(fieldsOf({ id: 'a', workflow: 'w', input, every: 'soon' })).to.deep.equal(['every']);
    expect(fieldsOf({ id: 'a', workflow: 'w', input, every: '1.5s' })).to.deep.equal(['every']);
    expect(fieldsOf({ id: 'a', workflow: 'w', input, every: { interval: '1h', offset: 'x' } })).to.deep.equal([
      'every.offset',
    ]);
    expect(fieldsOf({ id: 'a', workflow: 'w', input, every: { interval: '1h', offset: '1h' } })).to.deep.equal([
      'every.offset',
    ]);
    expect(fieldsOf({ id: 'a', workflow: 'w', input, every: '1h', catchupWindow: '5s' })).to.deep.equal([
      'catchupWindow',
    ]);
  });

  it('refuses cron strings with a time zone prefix or the wrong number of fields', () => {
    expect(fieldsOf({ id: 'a', workflow: 'w', input, cron: 'CRON_TZ=Europe/Berlin 0 2 * * *' })).to.deep.equal([
      'cron',
    ]);
    expect(fieldsOf({ id: 'a', workflow: 'w', input, cron: ['0 2 * * *', '0 2 * *'] })).to.deep.equal(['cron.1']);
    expect(
      scheduleSpecSchema.safeParse({ id: 'a', workflow: 'w', input, cron: '0 2 * * * 2030 # new year' }).success,
    ).to.equal(true);
  });

  it('refuses bad ids, unknown overlap policies and unknown fields', () => {
    expect(fieldsOf({ id: '-a', workflow: 'w', input, every: '1h' })).to.deep.equal(['id']);
    expect(fieldsOf({ id: 'a', workflow: 'w', input, every: '1h', overlap: 'sometimes' })).to.deep.equal(['overlap']);
    expect(fieldsOf({ id: 'a', workflow: 'w', input, every: '1h', jitter: '1m' })).to.deep.equal(['jitter']);
  });

  it('names the workflow when it is not in the catalog and input fields by their path', () => {
    const unknown = resolveScheduleSpec(
      'a',
      scheduleSpecSchema.parse({ id: 'a', workflow: 'launchRockets', input: {}, every: '1h' }),
      { catalog: PROCESS_CATALOG },
    );
    expect(unknown.success ? [] : unknown.issues.map((issue) => issue.path.join('.'))).to.deep.equal(['workflow']);
    const badInput = resolveScheduleSpec(
      'a',
      scheduleSpecSchema.parse({
        id: 'a',
        workflow: 'orderToCash',
        input: { ...input, customer: { ...input.customer, email: 'nope' } },
        every: '1h',
      }),
      { catalog: PROCESS_CATALOG },
    );
    expect(badInput.success ? [] : badInput.issues.map((issue) => issue.path.join('.'))).to.deep.equal([
      'input.customer.email',
    ]);
  });
});
