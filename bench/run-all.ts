/**
 * `npm run bench`: every benchmark, one after another, each in a process of its own (each starts
 * and stops its own dev server, so one bench's leftovers cannot slow the next).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface Bench {
  name: string;
  file: string;
  what: string;
  options: string;
}

const BENCHES: readonly Bench[] = [
  {
    name: 'orders',
    file: 'order-throughput.bench.ts',
    what: 'orderToCash runs through the API against bare SDK workflows',
    options: '--runs 200 --concurrency 20',
  },
  {
    name: 'flows',
    file: 'flow-vs-code.bench.ts',
    what: 'orderToCash as a flow (the interpreter) against orderToCash as code',
    options: '--runs 200 --concurrency 20',
  },
  {
    name: 'customer-sync',
    file: 'customer-sync.bench.ts',
    what: 'one customerSync over N sandbox contacts against the same calls in a loop',
    options: '--records 100000 --page-size 100 --pages-per-run 20 --concurrency 8 [--skip-baseline]',
  },
  {
    name: 'intake',
    file: 'intake.bench.ts',
    what: 'signed webhooks and a bulk import against bare BullMQ and Temporal starts',
    options: '--events 2000 --concurrency 20 --rows 50000 --consumers 20',
  },
];

const HELP = `Usage: npm run bench [-- [--only <bench>[,<bench>...]] [-- <options of that one bench>]]

Runs the benchmarks in sequence, each in its own process with its own Temporal dev server,
database and baseline measured in the same run; each prints a table and a JSON line.

Benchmarks (defaults shown):
${BENCHES.map((bench) => `  ${bench.name.padEnd(14)} ${bench.what}\n  ${''.padEnd(14)} bench/${bench.file} ${bench.options}`).join('\n')}

Examples:
  npm run bench                                      all of them, default sizes
  npm run bench -- --only intake                     the intake bench alone
  npm run bench -- --only intake -- --events 500     options after a second -- go to that one bench
`;

function runBench(bench: Bench, args: readonly string[]): Promise<number> {
  console.log(`\n=== ${bench.name}: bench/${bench.file} ${args.join(' ')}`.trimEnd());
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, bench.file), ...args], {
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { only: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const names = values.only ? values.only.split(',').map((name) => name.trim()) : BENCHES.map((bench) => bench.name);
  const unknown = names.filter((name) => !BENCHES.some((bench) => bench.name === name));
  if (unknown.length > 0)
    throw new Error(
      `unknown bench ${unknown.join(', ')}; one of ${BENCHES.map((bench) => bench.name).join(', ')} (npm run bench -- --help)`,
    );
  if (positionals.length > 0 && names.length !== 1)
    throw new Error('options after -- go to one bench: choose it with --only <bench>');

  const failed: string[] = [];
  for (const bench of BENCHES.filter((candidate) => names.includes(candidate.name))) {
    if ((await runBench(bench, positionals)) !== 0) failed.push(bench.name);
  }
  if (failed.length > 0) console.error(`\nfailed: ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
