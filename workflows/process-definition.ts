/**
 * What the catalog knows of one business process. Each process declares itself in
 * workflows/<name>/<name>.process.ts and is listed once in workflows/catalog.ts; the API, the
 * schedules and the CLI read these definitions. Workflow code never imports this file (zod).
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { z } from 'zod';

/** A signal, update or query the process answers, with the schema of its one argument. */
export interface MessageDefinition {
  name: string;
  description: string;
  /** Validates the argument before the API sends it; absent when the message takes none. */
  inputSchema?: z.ZodType;
}

export interface ProcessDefinition<Schema extends z.ZodType = z.ZodType> {
  /** The workflow type: the exported function name, a wire name never renamed. */
  type: string;
  description: string;
  inputSchema: Schema;
  workflowId(input: z.infer<Schema>): string;
  businessKey(input: z.infer<Schema>): string;
  /** Set at start so the run is searchable before its first workflow task. */
  initialSearchAttributes(input: z.infer<Schema>): SearchAttributePair[];
  queries: readonly MessageDefinition[];
  signals: readonly MessageDefinition[];
  updates: readonly MessageDefinition[];
  /** The input has `connectors: { crm?, erp?, payment?, email? }`; the API fills in configured defaults. */
  choosesConnectors?: boolean;
  /**
   * A finished run's workflow id may start again (batch jobs named by their job, not a business
   * event). By default a business key that has run is never started twice: a repeated order stays one order.
   */
  rerunnable?: boolean;
  /**
   * Fills in what the input leaves to the deployment, before validation (after the connector
   * defaults), so the run's history records the choice it was started with.
   */
  completeInput?(input: unknown, deployment: DeploymentFacts): unknown;
}

/** What the API knows of the deployment when it starts a run. */
export interface DeploymentFacts {
  /** Operations the named connector instance declares it cannot perform; undefined for an unknown instance. */
  unsupportedOperations(kind: 'crm' | 'erp' | 'email' | 'payment', instance: string): readonly string[] | undefined;
}

/** Keeps the input type of each callback tied to the schema. */
export function defineProcess<Schema extends z.ZodType>(definition: ProcessDefinition<Schema>): ProcessDefinition {
  return definition as unknown as ProcessDefinition;
}

/** Every process answers `progress` (workflows/shared/progress.ts). */
export const PROGRESS_QUERY: MessageDefinition = {
  name: 'progress',
  description: 'Where the run is: status, current step, steps done, compensations, failure.',
};
