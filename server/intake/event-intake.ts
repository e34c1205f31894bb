/**
 * The API side of the event intake, opened once per API process: the configured sources, the
 * inbox, the queue producer, the backlog check, and the dead-letter service. createApp mounts
 * POST /v1/events/:source and /v1/dead-letters when it is given one (AppDeps.intake).
 */
import type { Config } from '../../config';
import type { ConnectorRegistry } from '../../connectors/registry';
import type { StepConnectors } from '../../connectors/registry/step-defaults';
import { PROCESS_CATALOG, type ProcessDefinition } from '../../workflows/catalog';
import type { Models } from '../db/models';
import { createBacklogCheck } from './backlog-check';
import { createDeadLettersService, type DeadLettersService } from './dead-letters.service';
import type { EventSource } from './event-source';
import { createEventReceiver, type EventReceiver } from './event-receiver';
import type { InputPreparation } from './event-mapping';
import { loadEventSources, type EnvSource } from './event-sources-file';
import { createInboxRepository, type InboxRepository } from './inbox-repository';
import { createIntakeProducer, type IntakeProducer } from './intake-queue';

/** Retry-After of a 429: long enough for a backlog to drain noticeably, short enough that senders (Shopify waits seconds, Stripe hours) keep trying. */
export const BACKLOG_RETRY_AFTER_SECONDS = 30;

export interface EventIntakeDeps {
  config: Config;
  models: Models;
  /** The processes events may reach; default the full catalog. */
  catalog?: readonly ProcessDefinition[];
  /** For processes that complete their input from the deployment (e.g. orderToCash's invoicing). */
  connectors?: ConnectorRegistry;
  /** connectors.yaml `defaults`, filled into inputs as POST /v1/runs does. */
  connectorDefaults?: StepConnectors;
  /** Resolves `${VAR}` secrets of event-sources.yaml. */
  env: EnvSource;
  /** Instead of reading EVENT_SOURCES_FILE (tests). */
  sources?: readonly EventSource[];
  /** Default junction-intake; tests use their own. */
  queueName?: string;
}

export interface EventIntake {
  readonly sources: readonly EventSource[];
  readonly receiver: EventReceiver;
  readonly deadLetters: DeadLettersService;
  readonly inbox: InboxRepository;
  readonly producer: IntakeProducer;
  /** What the deployment fills into process inputs; bulk imports map rows with it as the receiver maps events. */
  readonly preparation: InputPreparation;
  close(): Promise<void>;
}

export async function openEventIntake(deps: EventIntakeDeps): Promise<EventIntake> {
  const { config } = deps;
  const catalog = deps.catalog ?? PROCESS_CATALOG;
  const sources = deps.sources ?? (await loadEventSources({ file: config.eventSourcesFile, env: deps.env, catalog }));
  const inbox = createInboxRepository(deps.models.InboxEvent);
  const producer = createIntakeProducer({
    redisUrl: config.redisUrl,
    maxAttempts: config.intake.maxAttempts,
    ...(deps.queueName ? { queueName: deps.queueName } : {}),
  });
  const registry = deps.connectors;
  const preparation: InputPreparation = {
    connectorDefaults: deps.connectorDefaults ?? {},
    deployment: {
      unsupportedOperations: (kind, instance) => {
        try {
          return registry?.resolve(kind, instance).unsupported;
        } catch {
          // An unknown or broken instance fails the run's first step with its own clear error.
          return undefined;
        }
      },
    },
  };
  const receiver = createEventReceiver({
    sources,
    inbox,
    producer,
    backlog: createBacklogCheck(inbox, config.intake.backlogLimit),
    retryAfterSeconds: BACKLOG_RETRY_AFTER_SECONDS,
    preparation,
  });
  return {
    sources,
    receiver,
    deadLetters: createDeadLettersService({ inbox, producer }),
    inbox,
    producer,
    preparation,
    close: () => producer.close(),
  };
}
