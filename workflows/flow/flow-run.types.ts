/**
 * The contract of a flow run: what the API (or intake, or a schedule) starts and what the
 * interpreter answers. Pure types and constants; the interpreter (flow-run.workflow.ts) and the
 * server both import them.
 */

/** Workflow types of flows: `flow:<name>`. The bundle's default export runs every one of them. */
export const FLOW_TYPE_PREFIX = 'flow:';

export function flowWorkflowType(name: string): string {
  return `${FLOW_TYPE_PREFIX}${name}`;
}

/** The flow name of a `flow:<name>` workflow type, or null for a code process's type. */
export function flowNameOf(workflowType: string): string | null {
  return workflowType.startsWith(FLOW_TYPE_PREFIX) ? workflowType.slice(FLOW_TYPE_PREFIX.length) : null;
}

/**
 * Workflow id of a run: `flow:<name>:<businessKey>` when the flow declares a business key (a
 * repeated start joins the same run), else `flow:<name>:<generated id>`.
 */
export function flowWorkflowId(name: string, businessKeyOrGeneratedId: string): string {
  return `${FLOW_TYPE_PREFIX}${name}:${businessKeyOrGeneratedId}`;
}

/** `run.workflow.namespace` naming Junction's code processes (workflows/catalog.ts); any other names a flow. */
export const CATALOG_NAMESPACE = 'junction';

/** A published flow version as it travels with a run: the run is pinned to it. */
export interface PinnedFlow {
  name: string;
  version: string;
  /** The validated DSL 1.0 document (JSON). */
  document: Record<string, unknown>;
}

/** The one argument of a `flow:<name>` workflow. */
export interface FlowRunInput {
  flow: PinnedFlow;
  /** The caller's input, already checked against the flow's `input.schema` by whoever started the run. */
  input: unknown;
}

/**
 * A CloudEvents-shaped event sent to a running flow by the `event` update; a `listen` task waiting
 * for a matching event (`to.one.with` / `to.any` / `to.all`: equal attributes) takes it.
 */
export interface FlowEvent {
  type: string;
  source?: string;
  id?: string;
  subject?: string;
  data?: unknown;
}

/** The update a flow run answers for `listen` tasks. */
export const FLOW_EVENT_UPDATE = 'event';

/** What the `event` update returns: whether a waiting `listen` task took the event. */
export interface FlowEventReceipt {
  accepted: boolean;
  /** The listening task's path when accepted. */
  task?: string;
}
