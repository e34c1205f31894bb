import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RunningApiServer {
  url: string;
  port: number;
  server: Server;
  /**
   * Stops accepting connections, lets in-flight requests finish (up to graceMs), closes idle
   * keep-alive connections at once and each busy one as soon as its response ends, then drops
   * whatever is left when the grace time is up. Idempotent.
   */
  close(graceMs?: number): Promise<void>;
}

/** Long enough to stream the largest import over a slow link (200 MiB at ~60 KiB/s). */
export const IMPORT_REQUEST_TIMEOUT_MS = 60 * 60 * 1000;

/** Listens on `port` (0 picks a free one) and resolves once the socket is bound. */
export async function startApiServer(app: Express, port: number, host?: string): Promise<RunningApiServer> {
  // Node's own bound on receiving a whole request (300 s) would cut off a large import
  // (POST /v1/imports streams up to 200 MiB); other routes are bounded by API_REQUEST_TIMEOUT_MS,
  // and a silent client still meets the headers timeout.
  const server = createServer({ requestTimeout: IMPORT_REQUEST_TIMEOUT_MS }, app);
  server.listen({ port, ...(host ? { host } : {}) });
  // once() rejects on 'error', so EADDRINUSE surfaces here instead of as an unhandled event.
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const shownHost =
    address.family === 'IPv6'
      ? `[${address.address === '::' ? '::1' : address.address}]`
      : address.address === '0.0.0.0'
        ? '127.0.0.1'
        : address.address;
  let closing: Promise<void> | null = null;
  const inFlight = new Set<ServerResponse>();
  // Tells the client not to reuse the connection, which then closes once this response ends.
  const lastOnItsConnection = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  server.on('request', (_req, res: ServerResponse) => {
    if (closing) lastOnItsConnection(res);
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    // A response whose headers went out before close() cannot say `Connection: close`; its
    // keep-alive socket would otherwise linger until the keep-alive timeout.
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });

  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    server,
    close(graceMs = 10_000) {
      closing ??= new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close((error) => {
          clearTimeout(force);
          if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
          else resolve();
        });
        for (const res of inFlight) lastOnItsConnection(res);
        // Keep-alive sockets with no request in flight would hold close() open until they time out.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
