import { flowWorkflowType } from '../../../workflows/flow/flow-run.types';
import { describeFlow, type FlowDescription } from '../../flows/describe-flow';
import type { FlowVersionRecord, FlowVersionSummary, PublishOutcome } from '../../flows/store/flows.service';
import type { ValidatedFlow } from '../../flows/validate-flow';
import type { FlowVersionStatus } from '../../db/models/flow-version.model';

export interface FlowVersionView {
  name: string;
  version: string;
  /** The catalog type runs of the flow have: `flow:<name>`. */
  workflowType: string;
  status: FlowVersionStatus;
  contentHash: string;
  title: string | null;
  summary: string | null;
  mediaType: string;
  publishedBy: string;
  publishedAt: string;
  statusChangedBy: string | null;
  statusChangedAt: string | null;
  links: { self: string };
}

export interface FlowVersionDetailView extends FlowVersionView {
  document: Record<string, unknown>;
  source: string;
  description: FlowDescription;
}

export interface FlowSummaryView {
  name: string;
  workflowType: string;
  /** The newest version, whatever its status, and that status. */
  latestVersion: string;
  status: FlowVersionStatus;
  /** The version a run starts when it names none (the newest published); null when none is published. */
  defaultVersion: string | null;
  versions: number;
  title: string | null;
  summary: string | null;
  links: { versions: string };
}

export interface PublishView {
  outcome: PublishOutcome['outcome'];
  name: string;
  version: string;
  workflowType: string;
  contentHash: string;
  /** The stored version; null for a dry run of a version not yet published. */
  flow: FlowVersionView | null;
}

export const flowVersionsLink = (name: string): string => `/v1/flows/${encodeURIComponent(name)}/versions`;
export const flowVersionLink = (name: string, version: string): string =>
  `${flowVersionsLink(name)}/${encodeURIComponent(version)}`;

export function toFlowVersionView(summary: FlowVersionSummary): FlowVersionView {
  return {
    name: summary.name,
    version: summary.version,
    workflowType: flowWorkflowType(summary.name),
    status: summary.status,
    contentHash: summary.contentHash,
    title: summary.title,
    summary: summary.summary,
    mediaType: summary.mediaType,
    publishedBy: summary.publishedBy,
    publishedAt: summary.publishedAt.toISOString(),
    statusChangedBy: summary.statusChangedBy,
    statusChangedAt: summary.statusChangedAt?.toISOString() ?? null,
    links: { self: flowVersionLink(summary.name, summary.version) },
  };
}

export function toFlowVersionDetailView(record: FlowVersionRecord): FlowVersionDetailView {
  return {
    ...toFlowVersionView(record),
    document: record.document,
    source: record.source,
    description: describeFlow(record.document as unknown as ValidatedFlow),
  };
}

/** One entry per flow name, from its versions newest first. */
export function toFlowSummaries(versions: readonly FlowVersionSummary[]): FlowSummaryView[] {
  const byName = new Map<string, FlowVersionSummary[]>();
  for (const version of versions) byName.set(version.name, [...(byName.get(version.name) ?? []), version]);
  return [...byName].map(([name, list]) => {
    const latest = list[0]!;
    return {
      name,
      workflowType: flowWorkflowType(name),
      latestVersion: latest.version,
      status: latest.status,
      defaultVersion: list.find((version) => version.status === 'published')?.version ?? null,
      versions: list.length,
      title: latest.title,
      summary: latest.summary,
      links: { versions: flowVersionsLink(name) },
    };
  });
}

export function toPublishView(outcome: PublishOutcome): PublishView {
  return {
    outcome: outcome.outcome,
    name: outcome.name,
    version: outcome.version,
    workflowType: flowWorkflowType(outcome.name),
    contentHash: outcome.contentHash,
    flow: outcome.stored ? toFlowVersionView(outcome.stored) : null,
  };
}
