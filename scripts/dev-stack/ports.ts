import { createServer, connect } from 'node:net';

export interface PortClaim {
  readonly port: number;
  readonly host: string;
  /** What wants the port, for the error message, e.g. "Temporal Web UI (TEMPORAL_UI_PORT)". */
  readonly purpose: string;
}

/** True when nothing listens there yet: we try to bind it ourselves and let go at once. */
export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Fails with one message that lists every port already taken, before anything is started. */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  const taken: PortClaim[] = [];
  for (const claim of claims) {
    if (!(await portIsFree(claim.port, claim.host))) taken.push(claim);
  }
  if (taken.length === 0) return;
  const lines = taken.map((c) => `  - ${c.host}:${c.port} for ${c.purpose}`);
  throw new Error(
    `Ports already in use:\n${lines.join('\n')}\n` +
      'Another `npm start` may still be running (stop it), or set the variable named above to a free port.',
  );
}

/** A port the OS considers free right now; another process may take it before we do, rarely. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not allocate a free port'))));
    });
  });
}

/** True once something accepts TCP connections at host:port. */
export function portAcceptsConnections(port: number, host: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
