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

export const API_SECTIONS: readonly ZodOpenApiPathsObject[] = [
  healthPaths,
  runsPaths,
  workflowsPaths,
  flowsPaths,
  connectorsPaths,
  schedulesPaths,
  metricsPaths,
  keysPaths,
  auditPaths,
  eventsPaths,
  deadLettersPaths,
  importsPaths,
  codecPaths,
];
