/**
 * Where an instance's credentials may go, checked on its definition (the API's saves, the
 * connectors.yaml load and every build), beside the connection-time guard of connectors/egress:
 * - a vendor whose hosts are known declares them (`hosts`); every URL of the settings and the
 *   credentials (a token URL lives there) must be https:// on one of them, unless the operator's
 *   allow-list names it (a Stripe egress proxy, a mock in tests);
 * - only the operator chooses Redis: `settings.rateLimit.redisUrl` comes from connectors.yaml or
 *   REDIS_URL, never from the API;
 * - the destinations of a definition (its URLs and the vendor's `destinationSettings`) are what
 *   its credentials are bound to: the API asks for the credentials again when one changes.
 * Issues name fields, never values.
 */
import type { AllowList } from '../egress/allow-list';
import { issuePath, type DefinitionIssue } from './instance-validation';
import type { VendorRegistration } from './registry-types';

type Path = (string | number)[];

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The operator's setting, never the API's (see connectors/http/resilience-settings.ts). */
export const REDIS_URL_PATH: readonly string[] = ['settings', 'rateLimit', 'redisUrl'];

const samePath = (a: readonly (string | number)[], b: readonly (string | number)[]) =>
  a.length === b.length && a.every((segment, i) => segment === b[i]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every string that is a URL with a host, anywhere below `value`, with its path. */
export function urlsIn(value: unknown, path: Path): { path: Path; url: URL }[] {
  if (typeof value === 'string') {
    if (!URL_LIKE.test(value.trim())) return [];
    try {
      const url = new URL(value.trim());
      return url.hostname === '' ? [] : [{ path, url }];
    } catch {
      return [];
    }
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => urlsIn(item, [...path, index]));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => urlsIn(item, [...path, key]));
  return [];
}

/** `api.stripe.com` matches itself; `*.salesforce.com` matches every name below salesforce.com. */
export function matchesHostPattern(host: string, pattern: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  const wanted = pattern.toLowerCase();
  return wanted.startsWith('*.') ? name.endsWith(wanted.slice(1)) : name === wanted;
}

/** URLs of settings and credentials outside the vendor's hosts and not named by the operator. */
export function vendorHostIssues(
  registration: VendorRegistration,
  settings: unknown,
  credentials: unknown,
  allowList: AllowList,
): DefinitionIssue[] {
  const hosts = registration.hosts;
  if (!hosts || hosts.length === 0) return [];
  const urls = [...urlsIn(settings, ['settings']), ...urlsIn(credentials, ['credentials'])].filter(
    ({ path }) => !samePath(path, REDIS_URL_PATH),
  );
  return urls
    .filter(
      ({ url }) =>
        !(url.protocol === 'https:' && hosts.some((pattern) => matchesHostPattern(url.hostname, pattern))) &&
        !allowList.namesUrl(url),
    )
    .map(({ path }) => ({
      path,
      message: `must be an https:// URL on ${registration.kind}/${registration.vendor}'s hosts (${hosts.join(', ')}); the operator can allow another destination in CONNECTOR_EGRESS_ALLOW or connectors.yaml egress.allow`,
    }));
}

/** `settings.rateLimit.redisUrl`, when the settings set it. */
export function redisUrlIssues(settings: Record<string, unknown>): DefinitionIssue[] {
  const rateLimit = settings.rateLimit;
  if (!isRecord(rateLimit) || rateLimit.redisUrl === undefined) return [];
  return [
    {
      path: [...REDIS_URL_PATH],
      message: 'cannot be set here: only the operator chooses Redis (connectors.yaml or REDIS_URL)',
    },
  ];
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((current, key) => (isRecord(current) ? current[key] : undefined), value);
}

/** What a definition's credentials are bound to: every URL of its settings and the vendor's destination settings, by field. */
export function destinationsOf(
  registration: VendorRegistration,
  settings: Record<string, unknown>,
): Map<string, string> {
  const destinations = new Map<string, string>();
  for (const { path, url } of urlsIn(settings, ['settings'])) destinations.set(issuePath(path), url.href);
  for (const field of registration.destinationSettings ?? []) {
    const value = valueAt(settings, field.split('.'));
    if (value !== undefined) destinations.set(`settings.${field}`, JSON.stringify(value));
  }
  return destinations;
}

/** The fields whose destination differs between two definitions of one vendor (added and removed ones included). */
export function changedDestinations(
  registration: VendorRegistration,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): string[] {
  const old = destinationsOf(registration, before);
  const now = destinationsOf(registration, after);
  const fields = new Set([...old.keys(), ...now.keys()]);
  return [...fields].filter((field) => old.get(field) !== now.get(field)).sort();
}
