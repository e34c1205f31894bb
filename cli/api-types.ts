/**
 * The API's response shapes, taken from the server's own declarations (types only: nothing of
 * the server is loaded at run time), so the CLI and the API cannot drift apart unnoticed.
 */
export type { RunFailure, RunSummary, RunView } from '../server/runs/run-views';
export type { RunsPage } from '../server/api/runs/runs.service';
export type { ResetOutcome } from '../server/repair/run-reset.service';
export type { CatalogEntry, CatalogMessage } from '../server/api/workflows/workflows.routes';
export type { ConnectorView } from '../server/api/connectors/connector-views';
export type { HealthCheckResult } from '../server/api/connectors/connector-health-check';
export type { ScheduleSummaryView, ScheduleView } from '../server/schedules/schedule-views';
export type { BackfillAccepted, TriggerAccepted } from '../server/schedules/schedules.service';
export type { KeyView } from '../server/api/keys/key-views';
export type {
  FlowSummaryView,
  FlowVersionDetailView,
  FlowVersionView,
  PublishView,
} from '../server/api/flows/flow-views';
export type { FlowIssue } from '../server/flows/flow-issue';
export type { AuditEntryView } from '../server/api/audit/audit-views';
export type { PendingApproval, Progress } from '../workflows/shared/progress';

export interface Page<T> {
  items: T[];
  nextPageToken: string | null;
}

export interface StartedRunReply {
  workflowId: string;
  runId: string;
  existing?: boolean;
  links: { self: string };
}

export interface MessageReply {
  workflowId: string;
  runId: string;
  signal?: string;
  update?: string;
  query?: string;
  result?: unknown;
}
