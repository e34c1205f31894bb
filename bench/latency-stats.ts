import { parseArgs } from 'node:util';

export interface RunStats {
  runs: number;
  seconds: number;
  runsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export function summarize(latenciesMs: readonly number[], wallMs: number): RunStats {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    seconds: wallMs / 1000,
    runsPerSecond: sorted.length / (wallMs / 1000),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

/** Runs `count` jobs with at most `concurrency` in flight; returns each job's latency and the wall time. */
export async function runConcurrently(
  count: number,
  concurrency: number,
  job: (index: number) => Promise<void>,
): Promise<{ latenciesMs: number[]; wallMs: number }> {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const t0 = performance.now();
      await job(index);
      latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { latenciesMs, wallMs: performance.now() - started };
}

/** `--runs N --concurrency C` of the run benches (defaults 200 and 20); runs at least `rounds`. */
export function parseRunOptions(rounds: number): { runs: number; concurrency: number } {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '20' } },
  });
  const runs = Number(values.runs);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(runs) || runs < rounds || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`--runs must be an integer ≥ ${rounds} and --concurrency ≥ 1`);
  }
  return { runs, concurrency };
}
