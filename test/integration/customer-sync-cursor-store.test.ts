import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import { SyncCursorStore } from '../../activities/customer-sync/sync-cursor-store';
import { uniqueId } from '../support/order-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('customerSync cursor store (MariaDB, table sync_cursors)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let store: SyncCursorStore;

  before(async function () {
    db = await createTestDatabase('sync_cursor');
    store = new SyncCursorStore(db.models.SyncCursor);
  });

  after(async function () {
    await db?.destroy();
  });

  async function conflictOf(save: Promise<void>): Promise<ApplicationFailure> {
    const error = await save.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  }

  it('when a sync never ran, then it starts from the beginning at version 0', async () => {
    expect(await store.load(uniqueId('never'))).to.deep.equal({ cursor: null, tail: [], version: 0 });
  });

  it('when a run saves page after page, then the next load returns the last cursor, its tail and version', async () => {
    const syncName = uniqueId('pages');
    await store.save({ syncName, cursor: 'c1', tail: [], version: 1, workflowId: 'wf-a' });
    await store.save({ syncName, cursor: 'c2', tail: [], version: 2, workflowId: 'wf-a' });
    await store.save({ syncName, cursor: 'c2', tail: ['1@2025-01-01T00:00:00.000Z'], version: 3, workflowId: 'wf-a' });
    expect(await store.load(syncName)).to.deep.equal({
      cursor: 'c2',
      tail: ['1@2025-01-01T00:00:00.000Z'],
      version: 3,
    });
  });

  it('when a save is retried after it landed, then the retry changes nothing and does not fail', async () => {
    const syncName = uniqueId('retry');
    await store.save({ syncName, cursor: 'c1', tail: [], version: 1, workflowId: 'wf-a' });
    await store.save({ syncName, cursor: 'c1', tail: [], version: 1, workflowId: 'wf-a' });
    await store.save({ syncName, cursor: 'c2', tail: [], version: 2, workflowId: 'wf-a' });
    await store.save({ syncName, cursor: 'c2', tail: [], version: 2, workflowId: 'wf-a' });
    expect(await store.load(syncName)).to.deep.equal({ cursor: 'c2', tail: [], version: 2 });
  });

  it('when another run of the same sync moved the cursor meanwhile, then the stale save fails for good and the cursor stays', async () => {
    const syncName = uniqueId('conflict');
    await store.save({ syncName, cursor: 'c1', tail: [], version: 1, workflowId: 'wf-scheduled' });
    await store.save({ syncName, cursor: 'c2', tail: [], version: 2, workflowId: 'wf-scheduled' });
    // A manual run loaded version 1 before the scheduled run saved version 2.
    const failure = await conflictOf(
      store.save({ syncName, cursor: 'c1-other', tail: [], version: 2, workflowId: 'wf-manual' }),
    );
    expect(failure.type).to.equal('SyncCursorConflict');
    expect(failure.nonRetryable).to.equal(true);
    expect(failure.message).to.contain('wf-scheduled');
    expect(await store.load(syncName)).to.deep.equal({ cursor: 'c2', tail: [], version: 2 });
  });

  it('when two runs of a new sync save their first page at once, then exactly one of them wins', async () => {
    const syncName = uniqueId('race');
    const outcomes = await Promise.allSettled([
      store.save({ syncName, cursor: 'a1', tail: [], version: 1, workflowId: 'wf-a' }),
      store.save({ syncName, cursor: 'b1', tail: [], version: 1, workflowId: 'wf-b' }),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).to.have.length(1);
    const [rejected] = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect((rejected?.reason as ApplicationFailure).type).to.equal('SyncCursorConflict');
    expect(['a1', 'b1']).to.include((await store.load(syncName)).cursor);
  });
});
