import { clearScreenDown, moveCursor } from 'node:readline';
import type { Writable } from 'node:stream';
import type { RunView } from '../api-types';
import { progressLines } from './progress-text';

interface TerminalStream extends Writable {
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressDisplay {
  show(view: RunView): void;
  /** Leaves the last state on screen and stops redrawing. */
  stop(): void;
}

/** Shows nothing: --quiet, or --json without a terminal to draw on. */
export const silentDisplay: ProgressDisplay = { show: () => undefined, stop: () => undefined };

/**
 * On a terminal: the progress block redrawn in place, with the time spent watching.
 * Anywhere else (a pipe, a log file): a timestamped line each time the progress changes.
 */
export function progressDisplay(stream: TerminalStream, now: () => number = Date.now): ProgressDisplay {
  const started = now();
  if (stream.isTTY) {
    let drawn = 0;
    return {
      show(view) {
        const width = Math.max(20, (stream.columns ?? 80) - 1);
        const elapsed = `${Math.round((now() - started) / 1000)}s`;
        const [head = '', ...rest] = progressLines(view);
        const lines = [`[${elapsed}] ${head}`, ...rest].map((line) => line.slice(0, width));
        // Lines are cut to the terminal width so each takes one row and the block can be redrawn.
        if (drawn > 0) {
          moveCursor(stream, 0, -drawn);
          clearScreenDown(stream);
        }
        stream.write(`${lines.join('\n')}\n`);
        drawn = lines.length;
      },
      stop() {
        drawn = 0;
      },
    };
  }
  let last = '';
  return {
    show(view) {
      const text = progressLines(view).join('\n');
      if (text === last) return;
      last = text;
      const at = new Date(now()).toISOString().slice(11, 19);
      stream.write(
        `${text
          .split('\n')
          .map((line) => `[${at}] ${line}`)
          .join('\n')}\n`,
      );
    },
    stop: () => undefined,
  };
}
