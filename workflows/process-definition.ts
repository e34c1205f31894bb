/**
 * What the catalog knows of one business process. Each process declares itself in
 * workflows/<name>/<name>.process.ts and is listed once in workflows/catalog.ts; the API, the
 * schedules and the CLI read these definitions. Workflow code never imports this file (zod).
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { z } from 'zod';
import type { ResetPolicy } from './reset-policy';

/** A signal, update or query the process answers, with the schema of its one argument. */
export interface MessageDefinition {
  name: string;
  description: string;
  /** Validates the argument before the API sends it; absent when the message takes none. */
  inputSchema?: z.ZodType;
  /**
   * The message is a person's decision: `field` of its (object) argument names that person, and
   * it is bound to the caller. The API fills it in from the credential (personOf: an OIDC email,
   * or the key's actsAs) and refuses a body naming someone else or a credential that acts for
   * nobody; an event source must declare where its signed body carries the person.
   */
  actor?: { field: string };
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
   * Top-level input fields that choose infrastructure (connector instances, the invoicing path)
   * rather than state business facts: a caller's value is refused unless it holds the
   * `runs:infrastructure` scope (events: unless the source allows it). `connectors` counts
   * whenever the process chooses connectors.
   */
  infrastructureFields?: readonly string[];
  /**
   * The input field naming the person on whose behalf the run is started (purchaseApproval's
   * `requester.email`), as a path. A caller that acts for a person (a key issued with actsAs, an
   * OIDC token with an email) may start runs only on their own behalf; a system's key vouches for
   * whom it names.
   */
  initiator?: { path: readonly string[] };
  /**
   * A finished run's workflow id may start again (batch jobs named by their job, not a business
   * event). By default a business key that has run is never started twice: a repeated order stays one order.
   */
  rerunnable?: boolean;
  /** Which steps a failed run may be reset to and how they are found in its history; absent: its runs cannot be reset. */
  resetPolicy?: ResetPolicy;
  /**
   * Fills in what the input leaves to the deployment, before validation (after the connector
   * defaults), so the run's history records the choice it was started with.
   */
  completeInput?(input: unknown, deployment: DeploymentFacts): unknown;
  /**
   * The one argument the workflow is started with, from the validated input. Absent: the input
   * itself. A flow's is its FlowRunInput (the pinned flow version travels with the run).
   */
  startArgument?(input: unknown): unknown;
  /** The input's JSON Schema as the catalog serves it, when it is not generated from `inputSchema` (a flow's own schema). */
  inputJsonSchema?: Record<string, unknown>;
  /** A published flow (workflow type `flow:<name>`): the version this definition starts and the versions a caller may name. */
  flow?: FlowVersionFacts;
}

/** What the catalog says of a flow's versions. */
export interface FlowVersionFacts {
  name: string;
  /** The version this definition starts. */
  version: string;
  /** Versions a run may be started with (published and deprecated), newest first. */
  startableVersions: readonly string[];
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
