/**
 * The admin API under a fuzzer: Schemathesis (installed by scripts/bootstrap.mjs into .tools/venv)
 * reads /openapi.json and sends what the document allows and what it forbids, and checks that no
 * answer is a 5xx, that every status, content type and body is the one documented, and that data
 * the document forbids is refused. A failing check fails this test with Schemathesis's own report.
 *
 * Run by `npm run test:fuzz`, not yet by `npm test` (issue 13 in progress): the last run still
 * found 3 failures and 1 error (a 431 for a very long query string, a 503 from a slow Temporal,
 * and a crash inside Hypothesis on POST /v1/flows). It joins the suites in .mocharc.cjs once green.
 */
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { SCHEMATHESIS_PATH } from '../../scripts/tool-paths';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { fuzzCounts, type FuzzCounts } from './schemathesis-report';

const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
];
/** Phases that fit a few minutes on two cores; `stateful` needs OpenAPI links, which the document has none of yet. */
const PHASES = ['examples', 'coverage', 'fuzzing'];
/** Cases per operation in the fuzzing phase, and the run's whole time budget. */
const MAX_EXAMPLES = 25;
const MAX_SECONDS = 180;
/**
 * Revoking keys is fuzzed by a second, separate run with a key of its own, after the main run: a
 * revoke that guessed the main key's id would turn every later answer into 401.
 */
const REVOKE_OPERATION_ID = 'revokeKey';

interface SchemathesisRun {
  exitCode: number | null;
  output: string;
  counts: FuzzCounts;
}

async function runSchemathesis(baseUrl: string, key: string, filter: string[]): Promise<SchemathesisRun> {
  const args = [
    'run',
    `${baseUrl}/openapi.json`,
    '--header',
    `Authorization: Bearer ${key}`,
    '--phases',
    PHASES.join(','),
    '--checks',
    CHECKS.join(','),
    '--max-examples',
    String(MAX_EXAMPLES),
    '--max-time',
    String(MAX_SECONDS),
    '--workers',
    '2',
    '--seed',
    process.env.FUZZ_SEED ?? '13',
    '--no-color',
    // Two cores run the API, MariaDB, Temporal and the fuzzer: a slow answer is no failure here.
    '--request-timeout',
    '30',
    ...filter,
  ];
  const child = spawn(SCHEMATHESIS_PATH, args, { env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  return { exitCode, output, counts: fuzzCounts(output) };
}

function describeRun(name: string, run: SchemathesisRun): string {
  const { generated, operationsTested, operationsSelected, failures } = run.counts;
  return `${name}: ${generated} cases generated, ${operationsTested}/${operationsSelected} operations reached, ${failures} failures`;
}

describe('API fuzzing (e2e): Schemathesis finds no server error and no answer outside /openapi.json', function () {
  this.timeout((MAX_SECONDS * 2 + 120) * 1000);
  let stack: ApiStack;

  before(async () => {
    stack = await startApiStack({
      label: 'api_fuzz',
      // Runs the fuzzer starts (and schedules trigger) get a worker, so their queries are answered.
      worker: true,
      // The fuzzer sends thousands of requests a minute; the budgets stay as shipped everywhere else.
      env: { API_RATE_LIMIT: '1000000', API_RATE_LIMIT_ANONYMOUS: '1000000', API_RATE_LIMIT_PER_ADDRESS: '1000000' },
    });
  });

  after(async () => {
    await stack?.close();
  });

  it('passes every check on every operation, revoking keys last with a key of its own', async () => {
    const fuzzKey = await stack.createKey('schemathesis', ['admin']);
    const main = await runSchemathesis(stack.api.url, fuzzKey, ['--exclude-operation-id', REVOKE_OPERATION_ID]);
    console.log(`      ${describeRun('fuzzing run', main)}`);
    expect(main.exitCode, main.output).to.equal(0);
    expect(main.counts.operationsTested).to.be.greaterThan(0);

    const revokeKey = await stack.createKey('schemathesis-revoke', ['admin']);
    const revoke = await runSchemathesis(stack.api.url, revokeKey, ['--include-operation-id', REVOKE_OPERATION_ID]);
    console.log(`      ${describeRun('revoke run', revoke)}`);
    expect(revoke.exitCode, revoke.output).to.equal(0);
    expect(revoke.counts.operationsTested).to.equal(1);
  });
});
