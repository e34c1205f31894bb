import type { Client } from '@temporalio/client';
import express, { Router, type Express } from 'express';
import type { Config } from '../../config';
import { createDefaultRegistry, type ConnectorRegistry } from '../../connectors/registry';
import type { StepConnectors } from '../../connectors/registry/step-defaults';
import { createVault } from '../../connectors/vault';
import { PROCESS_CATALOG, type ProcessDefinition } from '../../workflows/catalog';
import type { Models } from '../db/models';
import { connectorsRouter } from './connectors/connectors.routes';
import { createConnectorsService } from './connectors/connectors.service';
import { healthRouter } from './health/health.routes';
import { createApiKeysService } from '../auth/api-keys.service';
import './locals';
import { auditMutations } from './middleware/audit';
import { authorize } from './middleware/authorize';
import { errorHandler, notFound } from './middleware/error-handler';
import { requestId } from './middleware/request-id';
import { requestLog } from './middleware/request-log';
import { securityHeaders } from './middleware/security-headers';
import { runMessagesRouter } from './runs/run-messages.routes';
import { createRunMessagesService } from './runs/run-messages.service';
import { createRunHistoryService } from './runs/run-history.service';
import { createRunsService, type RunsTimeouts } from './runs/runs.service';
import { runsRouter } from './runs/runs.routes';
import { runResetRouter } from './runs/run-reset.routes';
import { createRunResetService } from '../repair/run-reset.service';
import { createRunRequestStore } from './runs/run-requests';
import { workflowsRouter } from './workflows/workflows.routes';
import { flowsRouter } from './flows/flows.routes';
import { createProcesses, type Processes } from '../processes/processes';
import { apiSections, API_VERSION } from './openapi/api-sections';
import { buildApiDocument } from './openapi/api-document';
import { openApiRouter } from './openapi/openapi.routes';
import { responseCheck, type ResponseCheckMode } from './openapi/response-check';
import { createSchedulesService } from '../schedules/schedules.service';
import { schedulesRouter } from './schedules/schedules.routes';
import { createApiMetrics } from '../metrics/api-metrics';
import { metricsRouter } from './metrics/metrics.routes';
import { createBearerAuthenticator } from './auth/bearer-authenticator';
import { createOidcVerifier } from './auth/oidc-verifier';
import { auditRouter } from './audit/audit.routes';
import { createAuditService } from './audit/audit.service';
import { keysRouter } from './keys/keys.routes';
import { corsPolicy } from './middleware/cors-policy';
import { httpMetrics } from './middleware/http-metrics';
import { identifyCaller } from './middleware/identify-caller';
import { addressRateLimit, rateLimit, type RateLimitStore } from './middleware/rate-limit';
import { requestTimeout } from './middleware/request-timeout';
import type { EventIntake } from '../intake/event-intake';
import { eventsRouter } from './events/events.routes';
import { deadLettersRouter } from './dead-letters/dead-letters.routes';
import { importsRouter, importUploadRouter } from './imports/imports.routes';
import type { ImportLimits } from '../imports/import-limits';
import { codecRouter } from './codec/codec.routes';
import { payloadCodecOf } from '../temporal/payload-codec';
import { registryDeps } from '../connectors/registry-deps';

export interface AppDeps {
  config: Config;
  temporal: Client;
  models: Models;
  /** Extra readiness condition for /readyz, beside the database and Temporal. */
  ready?: () => Promise<void>;
  /** Defaults to the full process catalog; tests may narrow it. */
  catalog?: readonly ProcessDefinition[];
  /** The flow store and the process resolver (the role shares them with schedules and intake); default: built here over `catalog`. */
  processes?: Processes;
  /** Bounds on Temporal calls and readiness checks; tests shorten them. */
  timeouts?: Partial<ApiTimeouts>;
  /**
   * The process's connector registry (loadConnectors), so that /v1/connectors changes reach this
   * process's worker at once. Default: built-in vendors and default instances only.
   */
  connectors?: ConnectorRegistry;
  /** connectors.yaml `defaults`: the instances a process step uses when the run's input names none. */
  connectorDefaults?: StepConnectors;
  /** Redis for the per-key rate limit, shared by API replicas (the role owns it); absent: each process counts alone. */
  rateLimitStore?: RateLimitStore;
  /**
   * Check responses against the OpenAPI document: `strict` outside production (tests and development
   * catch drift), `off` in it, where validating every response would only cost time.
   */
  responseCheck?: ResponseCheckMode;
  /** Webhook intake (openEventIntake): mounts POST /v1/events/:source and /v1/dead-letters; absent, neither exists. */
  intake?: EventIntake;
  /** Bounds of POST /v1/imports (mounted with the intake); tests shorten them. */
  importLimits?: Partial<ImportLimits>;
}

export interface ApiTimeouts extends RunsTimeouts {
  /** Bound on each /readyz check (default 2 s). */
  readinessMs: number;
  /** Bound on POST /v1/connectors/:name/test (default 10 s). */
  connectorTestMs: number;
}

/** Builds the API; starting it is startApiServer's job, so tests can listen on port 0. */
export function createApp(deps: AppDeps): Express {
  const { config, temporal, models } = deps;
  const catalog = deps.catalog ?? PROCESS_CATALOG;
  const sequelize = models.ApiKey.sequelize;
  if (!sequelize) throw new Error('createApp: the models are not bound to a database (call initModels first)');

  const keys = createApiKeysService({ apiKeys: models.ApiKey, defaultLifetimeDays: config.api.keyDefaultLifetimeDays });
  const registry = deps.connectors ?? createDefaultRegistry(registryDeps(config, models));
  const processes = deps.processes ?? createProcesses({ models, registry, catalog });
  const runs = createRunsService({
    client: temporal,
    processes: processes.resolver,
    taskQueue: config.temporal.taskQueue,
    timeouts: deps.timeouts ?? {},
    ...(deps.connectorDefaults ? { connectorDefaults: deps.connectorDefaults } : {}),
    unsupportedOperations: (kind, instance) => {
      try {
        return registry.resolve(kind, instance).unsupported;
      } catch {
        // An unknown or broken instance fails the run's first step with its own clear error.
        return undefined;
      }
    },
  });
  const connectors = createConnectorsService({
    registry,
    instances: models.ConnectorInstance,
    vault: createVault(config),
    ...(deps.timeouts?.connectorTestMs ? { healthCheckTimeoutMs: deps.timeouts.connectorTestMs } : {}),
  });

  const v1 = Router();
  v1.use(auditMutations(models.AuditEntry));
  v1.use(
    runsRouter({
      runs,
      requests: createRunRequestStore(models.RunRequest),
      history: createRunHistoryService({
        client: temporal,
        ...(deps.timeouts?.rpcMs ? { rpcMs: deps.timeouts.rpcMs } : {}),
      }),
      keys,
      processes: processes.resolver,
    }),
  );
  v1.use(
    runResetRouter({
      reset: createRunResetService({
        client: temporal,
        catalog,
        ...(deps.timeouts?.rpcMs ? { rpcMs: deps.timeouts.rpcMs } : {}),
      }),
      keys,
    }),
  );
  v1.use(
    runMessagesRouter({
      messages: createRunMessagesService({
        client: temporal,
        processes: processes.resolver,
        ...(deps.timeouts?.rpcMs ? { rpcMs: deps.timeouts.rpcMs } : {}),
      }),
      keys,
    }),
  );
  v1.use(workflowsRouter({ keys, processes: processes.resolver }));
  v1.use(flowsRouter({ flows: processes.flows, keys }));
  v1.use(connectorsRouter({ connectors, keys }));
  v1.use(
    schedulesRouter({
      schedules: createSchedulesService({
        client: temporal,
        processes: processes.resolver,
        taskQueue: config.temporal.taskQueue,
        ...(deps.connectorDefaults ? { connectorDefaults: deps.connectorDefaults } : {}),
        ...(deps.timeouts?.rpcMs ? { rpcMs: deps.timeouts.rpcMs } : {}),
      }),
      keys,
    }),
  );
  // Unknown /v1 paths answer 404 only to an authenticated caller.
  v1.use(keysRouter({ keys }));
  v1.use(auditRouter({ audit: createAuditService({ auditEntries: models.AuditEntry, apiKeys: models.ApiKey }), keys }));
  if (deps.intake) v1.use(deadLettersRouter({ deadLetters: deps.intake.deadLetters, keys }));
  if (deps.intake) v1.use(importsRouter({ models, keys, sources: deps.intake.sources }));
  v1.use(authorize(keys, null), notFound());

  const document = buildApiDocument({
    version: API_VERSION,
    sections: apiSections({ intake: deps.intake !== undefined, codec: config.temporal.payloadEncryption }),
  });
  const metrics = createApiMetrics();
  const authenticator = createBearerAuthenticator({ keys, oidc: config.oidc ? createOidcVerifier(config.oidc) : null });
  // The address budget first, so a flood of made-up credentials never reaches the key lookup;
  // then the caller, then its own budget (which counts per principal).
  const callerChecks = [
    addressRateLimit({ ...config.api, store: deps.rateLimitStore }),
    identifyCaller(authenticator),
    rateLimit({ ...config.api, store: deps.rateLimitStore }),
  ];
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (config.api.trustProxy !== null) app.set('trust proxy', config.api.trustProxy);
  app.use(requestId());
  app.use(responseCheck(document, deps.responseCheck ?? (config.env === 'production' ? 'off' : 'strict')));
  app.use(requestLog());
  app.use(httpMetrics(metrics));
  app.use(securityHeaders());
  // Before the API's CORS policy: the codec answers the Web UI's origin (TEMPORAL_UI_ORIGIN), and only with encryption on; it applies the request timeout itself.
  if (config.temporal.payloadEncryption)
    app.use(
      codecRouter({
        codec: payloadCodecOf(config)!,
        namespace: config.temporal.namespace,
        uiOrigin: config.temporal.uiOrigin,
        keys,
        callerChecks,
        requestTimeoutMs: config.api.requestTimeoutMs,
      }),
    );
  app.use(corsPolicy(config.api.corsOrigins));
  // An import streams for longer than any other request: it is bounded by its own limits, not the request timeout.
  if (deps.intake)
    app.use(importUploadRouter({ intake: deps.intake, config, models, keys, limits: deps.importLimits, callerChecks }));
  app.use(requestTimeout(config.api.requestTimeoutMs));
  app.use(
    healthRouter({
      sequelize,
      temporal,
      ...(deps.ready ? { ready: deps.ready } : {}),
      ...(deps.timeouts?.readinessMs ? { checkTimeoutMs: deps.timeouts.readinessMs } : {}),
    }),
  );
  app.use(openApiRouter(document));
  app.use(metricsRouter({ metrics, authenticator, token: config.api.metricsToken }));
  // The limit counts per principal, so the caller is identified before it and before routing.
  // Webhooks prove themselves by their source's signature, not an API key; the backlog bound replaces the rate limit.
  if (deps.intake) app.use(eventsRouter({ intake: deps.intake, registry: metrics.registry }));
  app.use('/v1', ...callerChecks, v1);
  app.use(notFound());
  app.use(errorHandler());
  return app;
}
