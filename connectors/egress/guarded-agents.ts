/**
 * http and https Agents whose every connection passes the egress policy: an IP-literal host is
 * checked before connecting, a name is resolved by guardedLookup, which is what the socket
 * connects with. TLS still verifies the certificate against the configured name (SNI), since only
 * the resolution changes. Given to axios as httpAgent/httpsAgent.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { normalHost } from './allow-list';
import { checkLiteral, guardedLookup } from './guarded-lookup';

type ConnectionCallback = (error: Error | null, stream: Duplex) => void;

interface ConnectionTarget {
  host?: string | null | undefined;
  hostname?: string | null | undefined;
  port?: number | string | null | undefined;
}

/** The refusal to report instead of connecting, or the options to connect with. */
function guard<T extends ConnectionTarget>(
  options: T,
  defaultPort: number,
): { refusal: Error } | { options: T & { lookup: ReturnType<typeof guardedLookup> } } {
  const host = normalHost(options.host ?? options.hostname ?? 'localhost');
  const port = Number(options.port) || defaultPort;
  const refusal = checkLiteral(host, port);
  if (refusal) return { refusal };
  return { options: { ...options, lookup: guardedLookup(port) } };
}

function refuseLater(callback: ConnectionCallback | undefined, refusal: Error): null {
  // The Agent takes a connection from the callback when createConnection returns none.
  process.nextTick(() => callback?.(refusal, undefined as unknown as Duplex));
  return null;
}

export class GuardedHttpAgent extends http.Agent {
  override createConnection(options: http.ClientRequestArgs, callback?: ConnectionCallback): Duplex | null | undefined {
    const guarded = guard(options, 80);
    if ('refusal' in guarded) return refuseLater(callback, guarded.refusal);
    return super.createConnection(guarded.options, callback);
  }
}

export class GuardedHttpsAgent extends https.Agent {
  override createConnection(options: https.RequestOptions, callback?: ConnectionCallback): Duplex | null | undefined {
    const guarded = guard(options, 443);
    if ('refusal' in guarded) return refuseLater(callback, guarded.refusal);
    return super.createConnection(guarded.options, callback);
  }
}

export interface GuardedAgents {
  httpAgent: GuardedHttpAgent;
  httpsAgent: GuardedHttpsAgent;
  destroy(): void;
}

/** A pair of agents for one client (keep-alive by default); destroy() closes their idle sockets. */
export function createGuardedAgents(options: { keepAlive?: boolean } = {}): GuardedAgents {
  const keepAlive = options.keepAlive ?? true;
  const httpAgent = new GuardedHttpAgent({ keepAlive });
  const httpsAgent = new GuardedHttpsAgent({ keepAlive });
  return {
    httpAgent,
    httpsAgent,
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
