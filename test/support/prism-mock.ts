/**
 * Stoplight Prism (`@stoplight/prism-cli` 5.14.2, a devDependency) serving a vendor's OpenAPI spec
 * from ../shared/vendor-specs as a validating mock. One mock per spec per test run: a ~1 MB spec
 * takes seconds to load. Stopped by the root afterAll hook.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeExit, spawnManaged, type ManagedChild } from '../../scripts/dev-stack/managed-child';
import { findFreePort, portAcceptsConnections } from '../../scripts/dev-stack/ports';
import { REPO_ROOT } from '../../scripts/tool-paths';
import { allowEgressTo } from '../../connectors/egress/egress-policy';

/** ../shared/vendor-specs, beside the repository (as on every machine of this project and in CI). */
export const VENDOR_SPECS_DIR = join(REPO_ROOT, '..', 'shared', 'vendor-specs');

export interface PrismViolation {
  location: string[];
  severity: string;
  code: string;
  message: string;
}

export interface PrismMock {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly spec: string;
}

const READY_TIMEOUT_MS = 90_000;
const mocks = new Map<string, Promise<{ mock: PrismMock; child: ManagedChild; release: () => void }>>();

/** The mock's own 127.0.0.1:<port> is a connector destination while it runs (connectors/egress). */
async function start(specRelativePath: string): Promise<{ mock: PrismMock; child: ManagedChild; release: () => void }> {
  const spec = join(VENDOR_SPECS_DIR, specRelativePath);
  if (!existsSync(spec)) throw new Error(`vendor spec not found: ${spec} (shared/ must sit beside the repository)`);
  const port = await findFreePort();
  const logFile = join(REPO_ROOT, '.data', 'test', `prism-${port}.log`);
  const prism = join(REPO_ROOT, 'node_modules', '.bin', 'prism');
  const child = spawnManaged(`prism ${specRelativePath}`, prism, {
    args: ['mock', '-h', '127.0.0.1', '-p', String(port), '--errors', spec],
    logFile,
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.hasExited())
      throw new Error(`prism exited during start-up (${describeExit(await child.exited)}); see ${logFile}`);
    if (await portAcceptsConnections(port, '127.0.0.1'))
      return { mock: { url: `http://127.0.0.1:${port}`, spec }, child, release: allowEgressTo(`127.0.0.1:${port}`) };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await child.stop(5_000);
  throw new Error(`prism did not listen within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`);
}

/** The run's Prism mock for one spec, e.g. `stripe/stripe-payments.slim.prism.json`; started on first use. */
export async function getPrismMock(specRelativePath: string): Promise<PrismMock> {
  let entry = mocks.get(specRelativePath);
  if (!entry) {
    entry = start(specRelativePath);
    mocks.set(specRelativePath, entry);
    entry.catch(() => mocks.delete(specRelativePath));
  }
  return (await entry).mock;
}

/** Parses Prism's `sl-violations` response header (absent or empty: no violation). */
export function prismViolations(headers: Headers | Record<string, unknown>): PrismViolation[] {
  const raw = headers instanceof Headers ? headers.get('sl-violations') : headers['sl-violations'];
  if (typeof raw !== 'string' || raw.trim() === '') return [];
  return JSON.parse(raw) as PrismViolation[];
}

/** Called by the root afterAll hook. */
export async function stopPrismMocks(): Promise<void> {
  const entries = [...mocks.values()];
  mocks.clear();
  await Promise.all(
    entries.map(async (entry) => {
      const started = await entry.catch(() => null);
      started?.release();
      await started?.child.stop(5_000);
    }),
  );
}
