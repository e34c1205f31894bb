/**
 * Flows as a managed resource: publish (validate, then store an immutable version), read, and the
 * status of a version. A version is immutable: the same name@version with the same content is an
 * idempotent republish, with other content a conflict.
 *
 * Status, and what it means for runs:
 * - published: startable; the newest published version is the default of a run that names none.
 * - deprecated: still startable when a run names the version, never the default. For a flow being
 *   phased out while callers move on.
 * - retired: no new run may start with it (409). Runs already started are unaffected: the document
 *   travels with each run.
 * A version only moves forward (published → deprecated → retired, or published → retired).
 */
import { UniqueConstraintError } from 'sequelize';
import type { FlowVersion, FlowVersionStatus } from '../../db/models/flow-version.model';
import { AppError } from '../../errors/app-error';
import type { FlowIssue } from '../flow-issue';
import { parseFlowDocument } from '../parse-flow-document';
import { enclosingTask, flowTasks, type JsonObject } from '../task-tree';
import { validateFlow, type FlowValidationContext } from '../validate-flow';
import { describeFlow } from '../describe-flow';
import { contentHashOf } from './canonical-json';
import { compileInputSchema } from './flow-input-schema';
import { flowRetired, flowVersionExists, flowVersionNotFound, invalidFlow } from './flow-problems';
import { compareVersions } from './semver-order';

/** A stored version without its document and source (listings). */
export interface FlowVersionSummary {
  name: string;
  version: string;
  status: FlowVersionStatus;
  contentHash: string;
  mediaType: string;
  title: string | null;
  summary: string | null;
  publishedBy: string;
  publishedAt: Date;
  statusChangedBy: string | null;
  statusChangedAt: Date | null;
}

export interface FlowVersionRecord extends FlowVersionSummary {
  document: JsonObject;
  source: string;
}

export interface PublishRequest {
  text: string;
  mediaType: string;
  /** Who publishes, in the audit log's form (`key:12 (ci)`, `config:config/flows/x.yaml`). */
  actor: string;
  /** Validate against this deployment and compare with what is stored, but store nothing. */
  dryRun?: boolean;
}

export interface PublishOutcome {
  /** created: stored now; unchanged: the same content was already published; valid: dry run, would be created. */
  outcome: 'created' | 'unchanged' | 'valid';
  name: string;
  version: string;
  contentHash: string;
  /** The stored version (absent for a dry run of a new version). */
  stored?: FlowVersionRecord;
}

export type StatusChange = 'deprecate' | 'retire';

export interface FlowsService {
  publish(request: PublishRequest): Promise<PublishOutcome>;
  /** Every version of every flow, newest version first within a name. */
  listVersions(name?: string): Promise<FlowVersionSummary[]>;
  /** The version, document and source included; null when there is none. */
  findVersion(name: string, version: string): Promise<FlowVersionRecord | null>;
  changeStatus(name: string, version: string, change: StatusChange, actor: string): Promise<FlowVersionRecord>;
}

export interface FlowsServiceDeps {
  flowVersions: typeof FlowVersion;
  /** The deployment's connector instances and the jq syntax check, read at each publish. */
  validationContext(): Promise<FlowValidationContext>;
}

const SUMMARY_ATTRIBUTES = [
  'name',
  'version',
  'status',
  'contentHash',
  'mediaType',
  'publishedBy',
  'statusChangedBy',
  'statusChangedAt',
  'createdAt',
  'title',
  'summary',
] as const;

function documentFacts(document: JsonObject): { title: string | null; summary: string | null } {
  const part = (document.document ?? {}) as Record<string, unknown>;
  return {
    title: typeof part.title === 'string' ? part.title.slice(0, 255) : null,
    summary: typeof part.summary === 'string' ? part.summary : null,
  };
}

function summaryOf(row: FlowVersion): FlowVersionSummary {
  return {
    name: row.name,
    version: row.version,
    status: row.status,
    contentHash: row.contentHash,
    mediaType: row.mediaType,
    title: row.title,
    summary: row.summary,
    publishedBy: row.publishedBy,
    publishedAt: row.createdAt,
    statusChangedBy: row.statusChangedBy,
    statusChangedAt: row.statusChangedAt,
  };
}

function recordOf(row: FlowVersion): FlowVersionRecord {
  return { ...summaryOf(row), document: row.document, source: row.source };
}

/** Checks beyond validateFlow that publishing needs: the input schema must compile, as every start uses it. */
function inputSchemaIssues(document: JsonObject): FlowIssue[] {
  const schema = describeFlow(document as never).inputSchema;
  const compiled = compileInputSchema(schema);
  return compiled.ok
    ? []
    : [
        {
          path: '/input/schema/document',
          rule: 'schema',
          message: `The input JSON Schema does not compile: ${compiled.message}`,
        },
      ];
}

/** Every issue inside a task names it, expression issues included. */
function withEnclosingTasks(document: JsonObject, issues: readonly FlowIssue[]): FlowIssue[] {
  const tasks = flowTasks(document);
  return issues.map((issue) => {
    if (issue.task !== undefined) return issue;
    const task = enclosingTask(tasks, issue.path)?.path;
    return task === undefined ? issue : { ...issue, task };
  });
}

const NEXT_STATUS: Record<StatusChange, { to: FlowVersionStatus; from: readonly FlowVersionStatus[] }> = {
  deprecate: { to: 'deprecated', from: ['published', 'deprecated'] },
  retire: { to: 'retired', from: ['published', 'deprecated', 'retired'] },
};

export function createFlowsService(deps: FlowsServiceDeps): FlowsService {
  const { flowVersions } = deps;

  async function row(name: string, version: string): Promise<FlowVersion | null> {
    return flowVersions.findOne({ where: { name, version } });
  }

  /** The stored version with this name@version when its content is the same; a conflict when it is not. */
  function sameOrConflict(existing: FlowVersion, contentHash: string): PublishOutcome {
    if (existing.contentHash !== contentHash) throw flowVersionExists(existing.name, existing.version);
    return {
      outcome: 'unchanged',
      name: existing.name,
      version: existing.version,
      contentHash,
      stored: recordOf(existing),
    };
  }

  return {
    async publish({ text, mediaType, actor, dryRun = false }) {
      const parsed = parseFlowDocument(text, mediaType);
      if (!parsed.ok) throw invalidFlow(parsed.issues);
      const validation = validateFlow(parsed.document, await deps.validationContext());
      if (!validation.ok) throw invalidFlow(withEnclosingTasks(parsed.document, validation.issues));
      const schemaIssues = inputSchemaIssues(parsed.document);
      if (schemaIssues.length > 0) throw invalidFlow(schemaIssues);
      const { name, version } = validation.flow.document;
      const contentHash = contentHashOf(parsed.document);
      const existing = await row(name, version);
      if (existing) return sameOrConflict(existing, contentHash);
      if (dryRun) return { outcome: 'valid', name, version, contentHash };
      try {
        const created = await flowVersions.create({
          name,
          version,
          contentHash,
          ...documentFacts(parsed.document),
          document: parsed.document,
          source: text,
          mediaType: (mediaType.split(';')[0] ?? mediaType).trim().toLowerCase(),
          status: 'published',
          publishedBy: actor.slice(0, 120),
          statusChangedBy: null,
          statusChangedAt: null,
        });
        return { outcome: 'created', name, version, contentHash, stored: recordOf(created) };
      } catch (error) {
        // Another replica published the same name@version first: same answer as if it had been first here.
        if (!(error instanceof UniqueConstraintError)) throw error;
        const winner = await row(name, version);
        if (!winner) throw error;
        return sameOrConflict(winner, contentHash);
      }
    },

    async listVersions(name) {
      const rows = await flowVersions.findAll({
        attributes: [...SUMMARY_ATTRIBUTES],
        ...(name === undefined ? {} : { where: { name } }),
      });
      return rows
        .map(summaryOf)
        .sort((a, b) => (a.name === b.name ? compareVersions(b.version, a.version) : a.name < b.name ? -1 : 1));
    },

    async findVersion(name, version) {
      const found = await row(name, version);
      return found ? recordOf(found) : null;
    },

    async changeStatus(name, version, change, actor) {
      const found = await row(name, version);
      if (!found) throw flowVersionNotFound(name, version);
      const { to, from } = NEXT_STATUS[change];
      if (found.status === to) return recordOf(found);
      if (!from.includes(found.status)) {
        if (found.status === 'retired') throw flowRetired(name, version);
        throw AppError.conflict(`Flow "${name}" version ${version} is ${found.status}; it cannot become ${to}.`);
      }
      await found.update({ status: to, statusChangedBy: actor.slice(0, 120), statusChangedAt: new Date() });
      return recordOf(found);
    },
  };
}
