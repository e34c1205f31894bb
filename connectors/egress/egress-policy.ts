/**
 * The process-wide egress policy, like the logger: every outbound connection of the shared HTTP
 * layer, the OAuth token requests and the SMTP connector asks it, so a plugin using
 * connectorKit.createHttpClient cannot step around it.
 *
 * A destination is reachable when the address connected to is public unicast, or when the
 * operator's allow-list names it. The list has two layers:
 * - the operator's configuration (CONNECTOR_EGRESS_ALLOW, connectors.yaml `egress.allow`, and the
 *   SMTP relay SMTP_URL names), set by each process when it loads its connector registry
 *   (configureEgress); until then it is empty: strict by default;
 * - destinations code in this process names for itself (allowEgressTo): test fakes register
 *   their own `127.0.0.1:<port>` while they listen.
 * The API can change neither.
 */
import { getLogger } from '../../logging/logger';
import { addressRange, PUBLIC_UNICAST } from './address-class';
import { AllowList, effectivePort, normalHost, parseAllowEntry, type AllowEntry } from './allow-list';
import { DestinationRefusedError, hostPort } from './destination-refused';

let operator = new AllowList([]);
const registered = new Map<string, { entry: AllowEntry; count: number }>();
let effective = operator;

function rebuild(): void {
  effective = new AllowList([...operator.entries, ...[...registered.values()].map(({ entry }) => entry)]);
}

export interface EgressConfiguration {
  /** CONNECTOR_EGRESS_ALLOW and connectors.yaml `egress.allow`, already checked at start-up. */
  allow: readonly string[];
  /** SMTP_URL: the relay the operator's configuration names is allowed (host:port). */
  smtpUrl?: string | null;
}

/** The `host:port` entry of an SMTP URL (port 587 for smtp:, 465 for smtps: when it names none). */
export function smtpRelayEntry(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.hostname === '') return null;
    return hostPort(normalHost(parsed.hostname), effectivePort(parsed));
  } catch {
    return null;
  }
}

/** Replaces the operator's layer; called once per process when its connector registry loads. */
export function configureEgress(configuration: EgressConfiguration): void {
  const relay = configuration.smtpUrl ? smtpRelayEntry(configuration.smtpUrl) : null;
  operator = AllowList.parse([...configuration.allow, ...(relay ? [relay] : [])], 'egress allow-list');
  rebuild();
  getLogger().debug('egress allow-list configured', { entries: operator.entries.map((entry) => entry.text) });
}

/**
 * Allows one destination from code in this process (test fakes: `127.0.0.1:<port>`) until the
 * returned function is called. Counted: two registrations of one entry need two releases.
 */
export function allowEgressTo(text: string): () => void {
  const entry = parseAllowEntry(text);
  if (typeof entry === 'string') throw new Error(`allowEgressTo: ${entry}`);
  const current = registered.get(entry.text);
  registered.set(entry.text, { entry, count: (current?.count ?? 0) + 1 });
  rebuild();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const now = registered.get(entry.text);
    if (!now) return;
    if (now.count > 1) registered.set(entry.text, { entry, count: now.count - 1 });
    else registered.delete(entry.text);
    rebuild();
  };
}

/** Both layers, as matched now. */
export function egressAllowList(): AllowList {
  return effective;
}

const RANGE_WORDS: Readonly<Record<string, string>> = {
  loopback: 'a loopback address',
  private: 'a private address (RFC 1918)',
  uniqueLocal: 'a unique-local address (RFC 4193)',
  linkLocal: 'a link-local address (cloud metadata lives there)',
  carrierGradeNat: 'a shared (CGNAT) address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
};

function describeRange(range: string): string {
  return RANGE_WORDS[range] ?? `a special-purpose address (${range})`;
}

/**
 * Null when `host:port` may be reached at `address`, else the refusal (whose message leaves the
 * address out: see logRefusal). `host` is the name as configured, an IP literal for a URL that names one.
 */
export function checkDestination(host: string, port: number, address: string): DestinationRefusedError | null {
  const name = normalHost(host);
  const range = addressRange(address);
  if (range === PUBLIC_UNICAST || effective.allowing({ host: name, port, address })) return null;
  const literal = name === normalHost(address);
  const reason = literal ? `${name} is ${describeRange(range)}` : `it resolves to ${describeRange(range)}`;
  return new DestinationRefusedError(name, port, reason);
}

/** The resolved addresses go to the operator's log, never to the API caller. */
export function logRefusal(refusal: DestinationRefusedError, addresses: readonly string[]): void {
  getLogger().warn('connector destination refused', {
    destination: hostPort(refusal.host, refusal.port),
    addresses,
    reason: refusal.reason,
  });
}
