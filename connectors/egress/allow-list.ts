/**
 * The operator's egress allow-list (CONNECTOR_EGRESS_ALLOW, connectors.yaml `egress.allow`):
 * destinations connectors may reach although they are loopback, private, link-local or not one
 * of a vendor's known hosts. Entries:
 *   host            sap.corp.example           that host name, any port
 *   *.domain        *.corp.example             every name below the domain (not the domain itself), any port
 *   host:port       sap.corp.example:8443      that host name on that port only
 *   IP, IP:port     10.1.2.3, 10.1.2.3:8443    that address (any name resolving to it), any port or that port
 *   [v6]:port       [fd00::5]:8443             an IPv6 address on one port (a bare IPv6 address: any port)
 *   CIDR            10.0.0.0/8, fd00::/8       every address in the block, any port
 * A host name entry matches the name the connector is configured with; address and CIDR
 * entries match the address actually connected to. Pure (no I/O): config/env.schema.ts uses it
 * to refuse a bad entry at start-up.
 */
import ipaddr from 'ipaddr.js';
import { addressForms, parseAddress } from './address-class';

export type AllowEntry =
  | { kind: 'host'; text: string; host: string; port: number | null }
  | { kind: 'domain'; text: string; suffix: string; port: number | null }
  | { kind: 'address'; text: string; address: ipaddr.IPv4 | ipaddr.IPv6; port: number | null }
  | { kind: 'cidr'; text: string; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const PORT = /^\d{1,5}$/;

function isHostName(name: string): boolean {
  if (name.length > 253) return false;
  const labels = name.split('.');
  // An all-numeric last label would be an IPv4 address in another spelling (127.1, 0x7f.1).
  return labels.every((label) => LABEL.test(label)) && !/^\d+$/.test(labels.at(-1)!);
}

/** A canonical host name: lower case, without the root's trailing dot. */
export function normalHost(host: string): string {
  const lower = host.toLowerCase();
  const bare = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  return bare.endsWith('.') ? bare.slice(0, -1) : bare;
}

function portOf(text: string): number | string {
  if (!PORT.test(text)) return `"${text}" is not a port`;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : `port ${text} is outside 1–65535`;
}

/** Splits `host:port`, `[v6]:port`, `[v6]`, a bare IPv6 address or a bare host. */
function splitPort(text: string): { host: string; port: string | null; bracketed: boolean } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return { host: text, port: null, bracketed: true };
    const rest = text.slice(close + 1);
    return {
      host: text.slice(1, close),
      port: rest.startsWith(':') ? rest.slice(1) : rest === '' ? null : rest,
      bracketed: true,
    };
  }
  const colons = text.split(':').length - 1;
  if (colons === 1) {
    const at = text.indexOf(':');
    return { host: text.slice(0, at), port: text.slice(at + 1), bracketed: false };
  }
  return { host: text, port: null, bracketed: false };
}

/** Parses one entry; a string says what is wrong with it. */
export function parseAllowEntry(raw: string): AllowEntry | string {
  const text = raw.trim();
  if (text === '') return 'an entry is empty';
  if (text.includes('://'))
    return `"${text}" must be a host, *.domain, host:port, an IP address or a CIDR block, not a URL`;
  if (text.includes('/')) {
    if (!ipaddr.isValidCIDR(text)) return `"${text}" is not a valid CIDR block`;
    const [network, bits] = ipaddr.parseCIDR(text);
    if (network.kind() === 'ipv4' && !ipaddr.IPv4.isValidCIDRFourPartDecimal(text))
      return `"${text}" must spell the IPv4 network as four decimal parts`;
    if (bits === 0)
      return `"${text}" would open every address, cloud metadata endpoints included: name the networks instead`;
    return { kind: 'cidr', text, range: [network, bits] };
  }
  const { host, port: portText, bracketed } = splitPort(text);
  let port: number | null = null;
  if (portText !== null) {
    const parsed = portOf(portText);
    if (typeof parsed === 'string') return `"${text}": ${parsed}`;
    port = parsed;
  }
  const address = parseAddress(host);
  if (address) return { kind: 'address', text, address, port };
  if (bracketed) return `"${text}": [${host}] is not an IPv6 address`;
  const name = normalHost(host);
  if (name.startsWith('*.')) {
    const suffix = name.slice(2);
    if (!isHostName(suffix) || !suffix.includes('.'))
      return `"${text}": a wildcard must name a domain with at least two labels, e.g. *.corp.example`;
    return { kind: 'domain', text, suffix, port };
  }
  if (!isHostName(name)) return `"${text}" is not a host name, IP address or CIDR block`;
  return { kind: 'host', text, host: name, port };
}

/** Problems of a list of entries, one message per bad entry (for start-up errors). */
export function allowListProblems(entries: readonly string[]): string[] {
  return entries.map(parseAllowEntry).filter((entry): entry is string => typeof entry === 'string');
}

const portMatches = (entry: { port: number | null }, port: number) => entry.port === null || entry.port === port;

function addressMatches(entry: AllowEntry, address: string, port: number): boolean {
  const forms = addressForms(address);
  if (entry.kind === 'cidr')
    return forms.some((form) => form.kind() === entry.range[0].kind() && form.match(entry.range));
  if (entry.kind === 'address')
    return (
      portMatches(entry, port) &&
      forms.some(
        (form) =>
          form.kind() === entry.address.kind() && form.toNormalizedString() === entry.address.toNormalizedString(),
      )
    );
  return false;
}

function nameMatches(entry: AllowEntry, host: string, port: number): boolean {
  if (entry.kind === 'host') return entry.host === host && portMatches(entry, port);
  if (entry.kind === 'domain') return host.endsWith(`.${entry.suffix}`) && portMatches(entry, port);
  return false;
}

/** A parsed allow-list; matching never touches the network. */
export class AllowList {
  constructor(readonly entries: readonly AllowEntry[]) {}

  /** Parses entries; throws naming every bad one. */
  static parse(entries: readonly string[], source: string): AllowList {
    const parsed = entries.map(parseAllowEntry);
    const problems = parsed.filter((entry): entry is string => typeof entry === 'string');
    if (problems.length) throw new Error(`${source}: ${problems.join('; ')}`);
    return new AllowList(parsed as AllowEntry[]);
  }

  /** The entry that allows connecting to `address` for `host:port`, if any. `host` is the name as configured. */
  allowing(destination: { host: string; port: number; address?: string }): AllowEntry | undefined {
    const host = normalHost(destination.host);
    const address = destination.address ?? (parseAddress(host) ? host : undefined);
    return this.entries.find(
      (entry) =>
        nameMatches(entry, host, destination.port) ||
        (address !== undefined && addressMatches(entry, address, destination.port)),
    );
  }

  /** Whether an entry names this URL's host (and port): the operator's override of a vendor's host patterns. */
  namesUrl(url: URL): boolean {
    return this.allowing({ host: url.hostname, port: effectivePort(url) }) !== undefined;
  }
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'http:': 80,
  'https:': 443,
  'smtp:': 587,
  'smtps:': 465,
  'redis:': 6379,
  'rediss:': 6379,
};

/** The port a URL connects to: its own, or its scheme's default (nodemailer's for smtp: 587, smtps: 465). */
export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return DEFAULT_PORTS[url.protocol] ?? 0;
}
