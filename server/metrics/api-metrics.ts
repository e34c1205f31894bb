import { Counter, Histogram, Registry } from 'prom-client';
import { processMetricsRegistry } from './process-metrics';

type HttpLabels = 'method' | 'route' | 'status';

/**
 * The API's own metrics. Each app gets its registry (tests build several apps in one process);
 * the process metrics are shared and merged in when scraped.
 */
export interface ApiMetrics {
  readonly registry: Registry;
  /** Labels: method, route pattern (never a raw path), status code. */
  readonly httpRequests: Counter<HttpLabels>;
  readonly httpRequestDuration: Histogram<HttpLabels>;
  /** Runs the API started, by process type. */
  readonly runsStarted: Counter<'type'>;
  /** The Prometheus text of this app's and the process's metrics. */
  render(): Promise<string>;
  readonly contentType: string;
}

/** From 5 ms (a health check) to 30 s (the default request timeout). */
const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered by the API, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving an API request to the end of its response, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [registry],
  });
  const runsStarted = new Counter({
    name: 'junction_runs_started_total',
    help: 'Workflow runs started through the API, by process type (a repeated request for a finished run is not counted).',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  return {
    registry,
    httpRequests,
    httpRequestDuration,
    runsStarted,
    contentType: registry.contentType,
    render: () => Registry.merge([processMetricsRegistry(), registry]).metrics(),
  };
}
