/**
 * Which addresses a connector may reach without the operator's say-so: public unicast only.
 * ipaddr.js names the range from the IANA special-purpose registries (loopback, private,
 * linkLocal — the cloud metadata endpoints 169.254.169.254 and fd00:ec2::254 included —,
 * uniqueLocal, carrierGradeNat — Alibaba's 100.100.100.200 —, unspecified, multicast, reserved …).
 * Forms that carry an IPv4 address inside an IPv6 one (IPv4-mapped, IPv4-translated, NAT64
 * 64:ff9b::/96, 6to4) are judged by the address they carry, so ::ffff:127.0.0.1 is loopback while
 * a DNS64 answer for a public host stays reachable.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** The one range reachable by default. */
export const PUBLIC_UNICAST = 'unicast';

/** Parses an IPv4 or IPv6 address (an IPv6 zone id is accepted); null when it is not one. */
export function parseAddress(text: string): Address | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (ipaddr.IPv6.isValid(bare)) return ipaddr.IPv6.parse(bare);
  return null;
}

function ipv4FromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * The IPv4 address an IPv6 one stands for, when it is a translation form whose IPv4 part is the
 * real destination: ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated, RFC 6145),
 * 64:ff9b::a.b.c.d (NAT64 well-known prefix, RFC 6052) and 2002:aabb:ccdd:: (6to4, RFC 3056).
 */
export function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const words = address.parts;
  const range = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return ipv4FromWords(words[6]!, words[7]!);
  // Only the /96 well-known prefix puts the IPv4 address in the last 32 bits; the local-use
  // 64:ff9b:1::/48 (RFC 8215) stays refused as a whole.
  if (range === 'rfc6052' && words[2] === 0 && words[3] === 0 && words[4] === 0 && words[5] === 0)
    return ipv4FromWords(words[6]!, words[7]!);
  if (range === '6to4') return ipv4FromWords(words[1]!, words[2]!);
  return null;
}

/** ::a.b.c.d, the deprecated IPv4-compatible form (RFC 4291 §2.5.5.1): never a real destination. */
function isIPv4Compatible(address: ipaddr.IPv6): boolean {
  const words = address.parts;
  return words.slice(0, 6).every((word) => word === 0) && (words[6] !== 0 || words[7]! > 1);
}

/**
 * The range an address belongs to, judged by the IPv4 address it carries when it carries one;
 * `unicast` is public. Not an address at all: `invalid`.
 */
export function addressRange(text: string): string {
  const address = parseAddress(text);
  if (!address) return 'invalid';
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    const inner = embeddedIPv4(v6);
    if (inner) return inner.range();
    if (isIPv4Compatible(v6)) return 'ipv4Compatible';
  }
  return address.range();
}

export function isPublicUnicast(text: string): boolean {
  return addressRange(text) === PUBLIC_UNICAST;
}

/** The address and, for a translation form, the IPv4 address it carries: what allow-list CIDRs are matched against. */
export function addressForms(text: string): Address[] {
  const address = parseAddress(text);
  if (!address) return [];
  if (address.kind() === 'ipv4') return [address];
  const inner = embeddedIPv4(address as ipaddr.IPv6);
  return inner ? [address, inner] : [address];
}
