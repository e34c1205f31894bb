/**
 * GET /metrics of an intake-only process (`server/main.ts intake` with INTAKE_METRICS_PORT): the
 * process registry (process health and the consumer's delivery counters) and the inbox and queue
 * gauges. Like the worker's SDK metrics port it listens on WORKER_METRICS_HOST (127.0.0.1 unless
 * set) and has no credential check: expose it to the scraper's network only.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { Registry } from 'prom-client';
import { getLogger } from '../../logging/logger';
import { processMetricsRegistry } from '../metrics/process-metrics';
import { registerIntakeStateGauges, type IntakeState } from './intake-metrics';

export interface IntakeMetricsServer {
  readonly address: string;
  close(): Promise<void>;
}

export async function startIntakeMetricsServer(bindAddress: string, state: IntakeState): Promise<IntakeMetricsServer> {
  const separator = bindAddress.lastIndexOf(':');
  const host = bindAddress.slice(0, separator).replace(/^\[|\]$/g, '');
  const port = Number(bindAddress.slice(separator + 1));
  const gauges = new Registry();
  registerIntakeStateGauges(gauges, state);
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const merged = Registry.merge([processMetricsRegistry(), gauges]);
    merged
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': merged.contentType }).end(body))
      .catch((error: unknown) => {
        getLogger().warn('intake metrics failed', { error: (error as Error).message });
        res.writeHead(500).end();
      });
  });
  server.listen({ host, port });
  await once(server, 'listening');
  return {
    address: bindAddress,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
