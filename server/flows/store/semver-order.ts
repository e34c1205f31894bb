/**
 * Semantic Versioning 2.0.0 precedence (semver.org §11), for the versions the DSL schema already
 * checked (`document.version`): which version of a flow is the newest. Build metadata is ignored.
 */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = split(a);
  const [coreB, preB] = split(b);
  for (let index = 0; index < 3; index += 1) {
    const difference = (coreA[index] ?? 0) - (coreB[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  // A version without a pre-release is newer than one with (1.0.0 > 1.0.0-rc.1).
  if (preA.length === 0 || preB.length === 0) return Math.sign(preB.length - preA.length);
  for (let index = 0; index < Math.max(preA.length, preB.length); index += 1) {
    const x = preA[index];
    const y = preB[index];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const order = compareIdentifiers(x, y);
    if (order !== 0) return order;
  }
  return 0;
}

/** Newest first. */
export function newestFirst(versions: readonly string[]): string[] {
  return [...versions].sort((a, b) => compareVersions(b, a));
}

function split(version: string): [number[], string[]] {
  const [withoutBuild = ''] = version.split('+', 1);
  const dash = withoutBuild.indexOf('-');
  const core = dash === -1 ? withoutBuild : withoutBuild.slice(0, dash);
  const pre = dash === -1 ? [] : withoutBuild.slice(dash + 1).split('.');
  return [core.split('.').map(Number), pre];
}

const NUMERIC = /^\d+$/;

function compareIdentifiers(x: string, y: string): number {
  const numericX = NUMERIC.test(x);
  const numericY = NUMERIC.test(y);
  if (numericX && numericY) return Math.sign(Number(x) - Number(y));
  // Numeric identifiers have lower precedence than alphanumeric ones.
  if (numericX !== numericY) return numericX ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}
