/**
 * Start-up sync of config/schedules.yaml into Temporal Schedules. The API role runs it before it
 * listens (server/roles/api.role.ts), so `npm start` (role `all`) and every API replica apply the
 * file; worker and intake roles never touch schedules. Several replicas running it at once is
 * safe (see sync-schedules.ts). A file that is invalid, or that Temporal refuses, fails start-up
 * with a message naming the entry and field.
 *
 * The file: SCHEDULES_FILE, else config/schedules.yaml when it exists. No file means "no schedules
 * declared": config schedules left over from an earlier file are deleted. One deployment owns the
 * config schedules of its namespace; two deployments with different files in one namespace would
 * delete each other's.
 */
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import type { StepConnectors } from '../../connectors/registry/step-defaults';
import { PROCESS_CATALOG, type ProcessDefinition } from '../../workflows/catalog';
import { readSchedulesFile, SchedulesFileError } from './schedules-file';
import { syncSchedules, type ScheduleSyncReport } from './sync-schedules';

/** config/schedules.yaml of this checkout; optional. */
export const DEFAULT_SCHEDULES_FILE = resolve(__dirname, '../../config/schedules.yaml');

export interface SyncFromConfigOptions {
  config: Config;
  client: Client;
  /** connectors.yaml `defaults`, filled into inputs as POST /v1/runs does. */
  connectorDefaults?: StepConnectors;
  /** Default: the full process catalog. */
  catalog?: readonly ProcessDefinition[];
  /** Default: config.schedulesFile, else DEFAULT_SCHEDULES_FILE when it exists. */
  file?: string;
}

export async function syncSchedulesFromConfig(options: SyncFromConfigOptions): Promise<ScheduleSyncReport> {
  const explicit = options.file ?? options.config.schedulesFile;
  const path = resolve(explicit ?? DEFAULT_SCHEDULES_FILE);
  const file = await readSchedulesFile(
    path,
    {
      catalog: options.catalog ?? PROCESS_CATALOG,
      ...(options.connectorDefaults ? { connectorDefaults: options.connectorDefaults } : {}),
    },
    { required: explicit !== null },
  );
  const report = await syncSchedules({
    client: options.client,
    taskQueue: options.config.temporal.taskQueue,
    schedules: file?.schedules ?? [],
  });
  if (report.rejected.length) {
    throw new SchedulesFileError(
      path,
      report.rejected.map(
        (rejected) => `schedule "${rejected.id}".${rejected.field}: refused by Temporal: ${rejected.message}`,
      ),
    );
  }
  return report;
}
