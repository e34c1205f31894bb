/** Every area's part of the OpenAPI document: a new router adds its `<area>.openapi.ts` here. */
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { auditPaths } from '../audit/audit.openapi';
import { connectorsPaths } from '../connectors/connectors.openapi';
import { healthPaths } from '../health/health.openapi';
import { keysPaths } from '../keys/keys.openapi';
import { runsPaths } from '../runs/runs.openapi';
import { schedulesPaths } from '../schedules/schedules.openapi';
import { workflowsPaths } from '../workflows/workflows.openapi';
import { flowsPaths } from '../flows/flows.openapi';
import { metricsPaths } from '../metrics/metrics.openapi';
import { eventsPaths } from '../events/events.openapi';
import { deadLettersPaths } from '../dead-letters/dead-letters.openapi';
import { importsPaths } from '../imports/imports.openapi';
import { codecPaths } from '../codec/codec.openapi';

export const API_VERSION = '1.0.0';

/** What this deployment mounts besides the routes every deployment has. */
export interface MountedOptionalRoutes {
  /** Webhook intake: /v1/events/{source}, /v1/dead-letters, /v1/imports. */
  intake: boolean;
  /** Payload encryption on: /codec/encode and /codec/decode. */
  codec: boolean;
}

/**
 * The sections of the routes this deployment mounts: a route that is absent answers 404, so a
 * document that named it would promise what the API never answers.
 */
export function apiSections({ intake, codec }: MountedOptionalRoutes): ZodOpenApiPathsObject[] {
  return [
    healthPaths,
    runsPaths,
    workflowsPaths,
    flowsPaths,
    connectorsPaths,
    schedulesPaths,
    metricsPaths,
    keysPaths,
    auditPaths,
    ...(intake ? [eventsPaths, deadLettersPaths, importsPaths] : []),
    ...(codec ? [codecPaths] : []),
  ];
}
