/**
 * Name resolution that only ever hands out addresses the egress policy allows. Given to
 * net/tls.connect as `lookup`, it is the resolution the socket connects with, so a name cannot
 * pass the check with one answer and connect with another (DNS rebinding). IP literals never
 * reach a lookup in Node: callers check them with checkLiteral before connecting.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { normalHost } from './allow-list';
import type { DestinationRefusedError } from './destination-refused';
import { checkDestination, logRefusal } from './egress-policy';

/** The refusal of an IP-literal host, or null (also null for a name: the lookup checks those). */
export function checkLiteral(host: string, port: number): DestinationRefusedError | null {
  const name = normalHost(host);
  if (isIP(name) === 0) return null;
  const refusal = checkDestination(name, port, name);
  if (refusal) logRefusal(refusal, [name]);
  return refusal;
}

/** Resolves every address of `host`, keeps the allowed ones; refuses when none is left. */
function resolveAllowed(
  host: string,
  port: number,
  family: number | undefined,
  done: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
): void {
  dnsLookup(host, { all: true, ...(family ? { family } : {}) }, (error, addresses) => {
    if (error) return done(error, []);
    const allowed = addresses.filter(({ address }) => checkDestination(host, port, address) === null);
    if (allowed.length > 0) return done(null, allowed);
    const refusal = checkDestination(host, port, addresses[0]?.address ?? '') as DestinationRefusedError;
    logRefusal(
      refusal,
      addresses.map(({ address }) => address),
    );
    done(refusal, []);
  });
}

/** A `lookup` for net/tls.connect to `host:port` (the port decides which `host:port` entries apply). */
export function guardedLookup(port: number): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options.family === 'number' && options.family !== 0 ? options.family : undefined;
    resolveAllowed(normalHost(hostname), port, family, (error, addresses) => {
      if (error) return callback(error, '', 0);
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}
