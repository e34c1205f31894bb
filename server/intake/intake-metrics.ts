/**
 * Prometheus metrics of the event intake.
 *
 * The API answers webhooks and scrapes the shared state (MySQL inbox, Redis queue) when /metrics
 * is read; the counts are the same from every replica, so any one of them serves them:
 * - junction_intake_events_received_total{source,outcome}: accepted, duplicate, unauthorized, invalid, too-large, throttled;
 * - junction_intake_backlog: events accepted and not yet delivered (pending inbox rows);
 * - junction_intake_oldest_pending_age_seconds: how long the oldest of them has waited;
 * - junction_intake_dead_letters: events the intake gave up on (listed at /v1/dead-letters);
 * - junction_intake_queue_jobs{state}: BullMQ jobs waiting, delayed (retry backoff), active, failed.
 * Consumers count what they deliver, in the process registry (served by /metrics in `all`, on
 * INTAKE_METRICS_PORT by an intake-only process); rate() of it is the intake's throughput:
 * - junction_intake_deliveries_total{source,outcome}: started, existing, signalled, updated, run-closed, retry, dead;
 * - junction_intake_delivery_latency_seconds{source}: from acceptance to Temporal's acknowledgement.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { getLogger } from '../../logging/logger';
import { processMetricsRegistry } from '../metrics/process-metrics';
import type { InboxRepository } from './inbox-repository';
import type { IntakeProducer } from './intake-queue';

export type ReceivedOutcome =
  'accepted' | 'duplicate' | 'unauthorized' | 'invalid' | 'too-large' | 'throttled' | 'unavailable';

export interface IntakeApiMetrics {
  received: Counter<'source' | 'outcome'>;
}

const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/** Reads shared state when scraped; a failed read leaves the last value and says so in the debug log. */
async function scrape(what: string, read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (error) {
    getLogger().debug('intake metric not read', { metric: what, error: (error as Error).message });
  }
}

export interface IntakeState {
  inbox: InboxRepository;
  producer: IntakeProducer;
}

export function registerIntakeApiMetrics(registry: Registry, state: IntakeState): IntakeApiMetrics {
  const received = new Counter({
    name: 'junction_intake_events_received_total',
    help: 'Webhook events received by POST /v1/events/:source, by source and outcome.',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  registerIntakeStateGauges(registry, state);
  return { received };
}

/** Gauges read from the inbox and the queue when scraped. */
export function registerIntakeStateGauges(registry: Registry, state: IntakeState): void {
  new Gauge({
    name: 'junction_intake_backlog',
    help: 'Events accepted and not yet delivered to Temporal (pending inbox rows).',
    registers: [registry],
    async collect() {
      await scrape('backlog', async () => this.set(await state.inbox.pendingCount()));
    },
  });
  new Gauge({
    name: 'junction_intake_oldest_pending_age_seconds',
    help: 'Age of the oldest event not yet delivered; 0 when none is pending.',
    registers: [registry],
    async collect() {
      await scrape('oldest pending', async () => {
        const since = await state.inbox.oldestPendingSince();
        this.set(since ? Math.max(0, (Date.now() - since.getTime()) / 1000) : 0);
      });
    },
  });
  new Gauge({
    name: 'junction_intake_dead_letters',
    help: 'Events the intake gave up on, waiting for a replay (GET /v1/dead-letters).',
    registers: [registry],
    async collect() {
      await scrape('dead letters', async () => this.set(await state.inbox.deadCount()));
    },
  });
  new Gauge({
    name: 'junction_intake_queue_jobs',
    help: 'Delivery jobs in the BullMQ queue, by state (delayed: waiting out a retry backoff).',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      await scrape('queue jobs', async () => {
        const counts = await state.producer.queue.getJobCounts(...QUEUE_STATES);
        for (const name of QUEUE_STATES) this.set({ state: name }, counts[name] ?? 0);
      });
    },
  });
}

export interface IntakeConsumerMetrics {
  deliveries: Counter<'source' | 'outcome'>;
  latency: Histogram<'source'>;
}

let consumerMetrics: IntakeConsumerMetrics | null = null;

/** Once per process, in the process registry (several consumers in one process, as in tests, share them). */
export function intakeConsumerMetrics(): IntakeConsumerMetrics {
  if (!consumerMetrics) {
    const registry = processMetricsRegistry();
    consumerMetrics = {
      deliveries: new Counter({
        name: 'junction_intake_deliveries_total',
        help: 'Delivery attempts of accepted events to Temporal, by source and outcome (retry and dead are failures).',
        labelNames: ['source', 'outcome'] as const,
        registers: [registry],
      }),
      latency: new Histogram({
        name: 'junction_intake_delivery_latency_seconds',
        help: 'Time from accepting an event to Temporal acknowledging its delivery.',
        labelNames: ['source'] as const,
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
        registers: [registry],
      }),
    };
  }
  return consumerMetrics;
}
