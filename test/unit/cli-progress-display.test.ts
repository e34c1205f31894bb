import { Writable } from 'node:stream';
import { expect } from 'chai';
import type { RunView } from '../../cli/api-types';
import { progressDisplay } from '../../cli/output/progress-display';

/** A stream that keeps what is written; `isTTY` and `columns` make it look like a terminal. */
function capture(
  terminal: { columns: number } | null,
): Writable & { text: () => string; isTTY?: boolean; columns?: number } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(
    stream,
    { text: () => chunks.join('') },
    terminal ? { isTTY: true, columns: terminal.columns } : {},
  );
}

function view(stepsDone: string[], details?: Record<string, unknown>): RunView {
  return {
    workflowId: 'sync-crm-main',
    runId: 'r1',
    type: 'customerSync',
    status: 'RUNNING',
    startTime: '2030-01-01T00:00:00.000Z',
    closeTime: null,
    searchAttributes: {},
    links: { self: '/v1/runs/sync-crm-main' },
    taskQueue: 'q',
    progress: {
      status: 'RUNNING',
      currentStep: 'syncPage',
      stepsDone,
      compensations: [],
      ...(details ? { details } : {}),
    },
  };
}

describe('CLI progress display', () => {
  it('on a terminal, redraws the block in place: cursor up over the lines drawn, clear below, lines cut to the width', () => {
    const stream = capture({ columns: 51 });
    let now = 0;
    const display = progressDisplay(stream, () => now);
    display.show(view(['loadCursor'], { pages: 1, listed: 100, counts: { synced: 98, failed: 2 } }));
    const first = stream.text();
    expect(first.split('\n').filter(Boolean)).to.have.length(2);
    first.split('\n').forEach((line) => expect(line.length).to.be.at.most(50));
    now = 3_000;
    display.show(view(['loadCursor', 'syncPage'], { pages: 2, listed: 200, counts: { synced: 197, failed: 3 } }));
    const second = stream.text().slice(first.length);
    // readline.moveCursor(-2) then clearScreenDown: ESC[2A ESC[0J, then the new block.
    expect(second.startsWith('\x1b[2A\x1b[0J')).to.equal(true);
    expect(second).to.contain('[3s] sync-crm-main  RUNNING  2 steps done');
  });

  it('elsewhere, prints a timestamped line block only when the progress changed', () => {
    const stream = capture(null);
    const display = progressDisplay(stream, () => Date.parse('2030-01-01T12:34:56Z'));
    display.show(view(['loadCursor'], { pages: 1, counts: { synced: 5 } }));
    display.show(view(['loadCursor'], { pages: 1, counts: { synced: 5 } }));
    display.show(view(['loadCursor'], { pages: 2, counts: { synced: 9 } }));
    const lines = stream.text().trim().split('\n');
    expect(lines).to.deep.equal([
      '[12:34:56] sync-crm-main  RUNNING  1 step done, now syncPage',
      '[12:34:56]   pages=1  counts.synced=5',
      '[12:34:56] sync-crm-main  RUNNING  1 step done, now syncPage',
      '[12:34:56]   pages=2  counts.synced=9',
    ]);
    expect(stream.text()).not.to.contain('\x1b[');
  });
});
