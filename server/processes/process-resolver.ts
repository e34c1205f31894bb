/**
 * The one place that answers "what process is this workflow type?": the code processes of
 * workflows/catalog.ts and the published flows of the flow store (`flow:<name>`). The API's runs,
 * run messages and catalog, the schedules and the start-up of event sources ask it.
 */
import type { ProcessDefinition } from '../../workflows/process-definition';
import { flowNameOf, flowWorkflowType } from '../../workflows/flow/flow-run.types';
import { AppError } from '../errors/app-error';
import type { JqRuntime } from '../flows/jq/jq-runtime';
import { FLOW_MESSAGES, flowProcess } from '../flows/store/flow-process';
import { flowRetired, flowVersionNotFound, noDefaultVersion } from '../flows/store/flow-problems';
import type { FlowsService, FlowVersionSummary } from '../flows/store/flows.service';

export type ProcessMessages = Pick<ProcessDefinition, 'queries' | 'signals' | 'updates'>;

export interface ProcessResolver {
  /**
   * The process a new run of `type` starts: a code process, or a flow at the version named (a
   * deprecated one too), else its newest published version. 404 for an unknown type or version,
   * 409 for a retired version or a flow without a published one, 400 for a version of a code process.
   */
  forStart(type: string, version?: string): Promise<ProcessDefinition>;
  /** Whether runs of this type may exist: a code process, or a flow ever published (retired ones too). */
  isKnownType(type: string): Promise<boolean>;
  /** The messages runs of this type answer; a flow's are the same for every version, retired or not. */
  messagesOf(type: string): Promise<ProcessMessages | undefined>;
  /** The catalog: the code processes, then every flow with a published version, at its default version. */
  list(): Promise<ProcessDefinition[]>;
  /** Every workflow type a scope may name: code processes and flows ever published. */
  knownTypes(): Promise<string[]>;
}

export interface ProcessResolverDeps {
  catalog: readonly ProcessDefinition[];
  /** Absent: code processes only (tests that narrow the catalog). */
  flows?: FlowsService;
  /** The process's jq runtime (loadJq), for flows' business keys. */
  jq?: () => Promise<JqRuntime>;
}

export const unknownType = (type: string): AppError =>
  AppError.notFound(`No workflow type "${type}"; GET /v1/workflows lists them.`, 'unknown-workflow-type');

const startable = (versions: readonly FlowVersionSummary[]) => versions.filter((v) => v.status !== 'retired');

export function createProcessResolver(deps: ProcessResolverDeps): ProcessResolver {
  const { catalog, flows } = deps;
  const code = (type: string) => catalog.find((process) => process.type === type);

  async function flowAt(name: string, versions: FlowVersionSummary[], chosen: FlowVersionSummary) {
    if (!flows || !deps.jq) throw new Error('flow processes need the flows service and jq');
    const record = await flows.findVersion(name, chosen.version);
    if (!record) throw flowVersionNotFound(name, chosen.version);
    return flowProcess(
      {
        name,
        version: record.version,
        contentHash: record.contentHash,
        document: record.document,
        startableVersions: startable(versions).map((v) => v.version),
      },
      await deps.jq(),
    );
  }

  /** listVersions answers newest first: the default is the first published one. */
  const defaultOf = (versions: readonly FlowVersionSummary[]) => versions.find((v) => v.status === 'published');

  return {
    async forStart(type, version) {
      const name = flowNameOf(type);
      if (name === null || !flows) {
        const process = code(type);
        if (!process) throw unknownType(type);
        if (version !== undefined)
          throw AppError.validation('The request body is invalid.', [
            { field: 'version', message: `only flows have versions; "${type}" is a code process` },
          ]);
        return process;
      }
      const versions = await flows.listVersions(name);
      if (versions.length === 0) throw unknownType(type);
      if (version !== undefined) {
        const chosen = versions.find((v) => v.version === version);
        if (!chosen) throw flowVersionNotFound(name, version);
        if (chosen.status === 'retired') throw flowRetired(name, version);
        return flowAt(name, versions, chosen);
      }
      const chosen = defaultOf(versions);
      if (!chosen)
        throw noDefaultVersion(
          name,
          versions.filter((v) => v.status === 'deprecated').map((v) => v.version),
        );
      return flowAt(name, versions, chosen);
    },

    async isKnownType(type) {
      const name = flowNameOf(type);
      if (name === null || !flows) return code(type) !== undefined;
      return (await flows.listVersions(name)).length > 0;
    },

    async messagesOf(type) {
      if (flowNameOf(type) !== null && flows) return FLOW_MESSAGES;
      return code(type);
    },

    async list() {
      if (!flows) return [...catalog];
      const byName = new Map<string, FlowVersionSummary[]>();
      for (const summary of await flows.listVersions()) {
        const versions = byName.get(summary.name) ?? [];
        versions.push(summary);
        byName.set(summary.name, versions);
      }
      const flowProcesses = await Promise.all(
        [...byName].flatMap(([name, versions]) => {
          const chosen = defaultOf(versions);
          return chosen ? [flowAt(name, versions, chosen)] : [];
        }),
      );
      return [...catalog, ...flowProcesses];
    },

    async knownTypes() {
      const names = flows ? new Set((await flows.listVersions()).map((v) => v.name)) : new Set<string>();
      return [...catalog.map((process) => process.type), ...[...names].map((name) => flowWorkflowType(name))];
    },
  };
}
