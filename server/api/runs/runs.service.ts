import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { ProcessResolver } from '../../processes/process-resolver';
import type { DeploymentFacts } from '../../../workflows/process-definition';
import type { Progress } from '../../../workflows/shared/progress';
import { executionInfoFromRaw } from '../../temporal/sdk-internals';
import { getLogger } from '../../../logging/logger';
import { AppError } from '../../errors/app-error';
import { fieldErrorsOf } from '../../errors/field-errors';
import { failureOf, toRunSummary, type RunStatus, type RunSummary, type RunView } from '../../runs/run-views';
import {
  grpcCodeOf,
  isTemporalUnavailable,
  translateTemporalError,
  withinDeadline,
} from '../../temporal/temporal-errors';

const GRPC_INVALID_ARGUMENT = 3;

const invalidPageToken = () =>
  AppError.validation('The page token is invalid.', [
    { field: 'pageToken', message: 'must be the nextPageToken of a previous page with the same filters' },
  ]);
import { decodePageToken, encodePageToken } from '../../temporal/page-token';
import { buildVisibilityQuery, type RunFilter } from './visibility-query';
import { withDefaultConnectors, type StepConnectors } from '../../../connectors/registry/step-defaults';
import { infrastructureChosen, refuseInfrastructure } from '../../runs/infrastructure-fields';
import type { RunTypeGuard, StartGuards } from '../../runs/run-guard';
import { checkInitiator } from '../../runs/message-actor';
import { lineageOf, type RunLineage } from '../../repair/run-lineage';

export interface RunsTimeouts {
  /** Bound on each start/describe/list/cancel call (default 10 s). */
  rpcMs: number;
  /** Bound on the `progress` query, which waits for a worker (default 2 s). */
  queryMs: number;
}

export interface RunsServiceDeps {
  client: Client;
  /** Code processes and published flows. */
  processes: ProcessResolver;
  taskQueue: string;
  timeouts?: Partial<RunsTimeouts>;
  /** connectors.yaml `defaults`, filled into the input of processes that choose connectors. */
  connectorDefaults?: StepConnectors;
  /** Operations a connector instance declares unsupported (the registry's view); processes complete their input with it. */
  unsupportedOperations?: DeploymentFacts['unsupportedOperations'];
}

export interface StartRunRequest {
  type: string;
  input: unknown;
  /** When given, must equal the business key the process derives from the input. */
  businessKey?: string;
  /** Flows only: the version to start (default: the newest published one). */
  version?: string;
}

export interface StartedRun {
  workflowId: string;
  runId: string;
  /** true when the run had already finished and this request did not start a new one. */
  existing: boolean;
  /** A flow run started now: the flow version it is pinned to. */
  flowVersion?: string;
}

export interface ListRunsRequest extends RunFilter {
  pageSize: number;
  /** The opaque nextPageToken of a previous page with the same filters. */
  pageToken?: string;
}

export interface RunsPage {
  items: RunSummary[];
  /** base64url; null on the last page. */
  nextPageToken: string | null;
}

export interface RunsService {
  startRun(request: StartRunRequest, guards?: StartGuards): Promise<StartedRun>;
  /** `guard` sees the run's type before anything else is read. */
  getRun(workflowId: string, guard?: RunTypeGuard): Promise<RunView>;
  listRuns(request: ListRunsRequest): Promise<RunsPage>;
  cancelRun(workflowId: string, guard?: RunTypeGuard): Promise<{ workflowId: string; status: 'cancel_requested' }>;
  /** Ends the run at once, without compensation: for runs that cannot finish otherwise. */
  terminateRun(workflowId: string, reason: string): Promise<{ workflowId: string; status: 'terminated' }>;
}

export function createRunsService(deps: RunsServiceDeps): RunsService {
  const { client, processes, taskQueue } = deps;
  const timeouts: RunsTimeouts = { rpcMs: 10_000, queryMs: 2_000, ...deps.timeouts };
  const rpc = <T>(call: () => Promise<T>): Promise<T> => withinDeadline(client, timeouts.rpcMs, call);
  const deployment: DeploymentFacts = { unsupportedOperations: deps.unsupportedOperations ?? (() => undefined) };

  async function describe(workflowId: string) {
    try {
      return await rpc(() => client.workflow.getHandle(workflowId).describe());
    } catch (error) {
      translateTemporalError(error, workflowId);
    }
  }

  async function progressOf(workflowId: string, runId: string): Promise<Progress | null> {
    try {
      const handle = client.workflow.getHandle(workflowId, runId);
      return await withinDeadline(client, timeouts.queryMs, () => handle.query<Progress>('progress'));
    } catch (error) {
      // No worker, a worker without the query, or a slow one: the run is still worth showing.
      getLogger().debug('progress query unanswered', { workflowId, runId, error: (error as Error).message });
      return null;
    }
  }

  async function resetsOf(description: Awaited<ReturnType<typeof describe>>): Promise<RunLineage | null> {
    try {
      return await lineageOf(client, description, timeouts.rpcMs);
    } catch (error) {
      // The links are a convenience: the run is still worth showing without them.
      getLogger().warn('could not read run resets', {
        workflowId: description.workflowId,
        error: (error as Error).message,
      });
      return null;
    }
  }

  async function outcomeOf(
    workflowId: string,
    runId: string,
    status: string,
  ): Promise<Pick<RunView, 'result' | 'failure'>> {
    if (status !== 'COMPLETED' && status !== 'FAILED') return {};
    const handle = client.workflow.getHandle(workflowId, runId, { followRuns: false });
    try {
      return { result: await rpc(() => handle.result()) };
    } catch (error) {
      if (error instanceof WorkflowFailedError)
        return { failure: failureOf(error.cause) ?? { message: error.message, type: null, cause: null } };
      if (isTemporalUnavailable(error)) translateTemporalError(error, workflowId);
      getLogger().warn('could not read run outcome', { workflowId, runId, error: (error as Error).message });
      return {};
    }
  }

  return {
    async startRun(request, guards = {}) {
      // The process scope is checked before anything of the process (its versions) is revealed.
      guards.process?.(request.type);
      const definition = await processes.forStart(request.type, request.version);
      // Filled in before validation so the run's history names the instances it was started with.
      const prepare = (input: unknown): unknown => {
        const withConnectors = definition.choosesConnectors
          ? withDefaultConnectors(input, deps.connectorDefaults ?? {})
          : input;
        return definition.completeInput ? definition.completeInput(withConnectors, deployment) : withConnectors;
      };
      const chosen = infrastructureChosen(definition, request.input, prepare);
      if (chosen.length > 0) (guards.infrastructure ?? refuseInfrastructure)(chosen);
      const requested = prepare(request.input);
      const parsed = definition.inputSchema.safeParse(requested);
      if (!parsed.success)
        throw AppError.validation(
          `The input does not match the "${definition.type}" input schema.`,
          fieldErrorsOf(parsed.error, 'input'),
        );
      const input: unknown = parsed.data;
      checkInitiator(definition, input, guards.person ?? null);
      const businessKey = definition.businessKey(input);
      if (request.businessKey !== undefined && request.businessKey !== businessKey) {
        throw AppError.validation('businessKey disagrees with the input.', [
          {
            field: 'businessKey',
            message: `must equal the business key derived from the input ("${businessKey}") or be omitted`,
          },
        ]);
      }
      const workflowId = definition.workflowId(input);
      try {
        const handle = await rpc(() =>
          client.workflow.start(definition.type, {
            taskQueue,
            workflowId,
            args: [definition.startArgument ? definition.startArgument(input) : input],
            typedSearchAttributes: definition.initialSearchAttributes(input),
            // A running duplicate returns the running run; a finished one starts again only for rerunnable processes.
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: definition.rerunnable ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
          }),
        );
        return {
          workflowId,
          runId: handle.firstExecutionRunId,
          existing: false,
          ...(definition.flow ? { flowVersion: definition.flow.version } : {}),
        };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) translateTemporalError(error, workflowId);
      }
      const existing = await describe(workflowId);
      return { workflowId, runId: existing.runId, existing: true };
    },

    async getRun(workflowId, guard) {
      const description = await describe(workflowId);
      guard?.(description.type);
      const status = description.status.name;
      const [progress, outcome, resets] = await Promise.all([
        progressOf(workflowId, description.runId),
        outcomeOf(workflowId, description.runId, status),
        resetsOf(description),
      ]);
      return { ...toRunSummary(description), taskQueue: description.taskQueue, progress, ...outcome, resets };
    },

    async listRuns(request) {
      const namespace = client.options.namespace;
      const query = buildVisibilityQuery(request);
      const pageToken = request.pageToken === undefined ? null : decodePageToken(query, request.pageToken);
      if (request.pageToken !== undefined && !pageToken) throw invalidPageToken();
      try {
        const response = await rpc(() =>
          client.workflowService.listWorkflowExecutions({
            namespace,
            query,
            pageSize: request.pageSize,
            nextPageToken: pageToken,
          }),
        );
        const converter = client.workflow.options.loadedDataConverter;
        const items = await Promise.all(
          response.executions.map(async (raw) =>
            toRunSummary(await executionInfoFromRaw(raw, converter, raw, namespace)),
          ),
        );
        const next = response.nextPageToken;
        return { items, nextPageToken: next && next.length > 0 ? encodePageToken(query, next) : null };
      } catch (error) {
        if (request.rawQuery && grpcCodeOf(error) === GRPC_INVALID_ARGUMENT) {
          throw AppError.validation('Temporal refused the visibility query.', [
            { field: 'query', message: (error as Error).message },
          ]);
        }
        if (pageToken && grpcCodeOf(error) === GRPC_INVALID_ARGUMENT) throw invalidPageToken();
        translateTemporalError(error);
      }
    },

    async cancelRun(workflowId, guard) {
      const description = await describe(workflowId);
      guard?.(description.type);
      const notRunning = (status: string) =>
        AppError.conflict(`Run "${workflowId}" is ${status}; only a running run can be cancelled.`, 'run-not-running');
      if (description.status.name !== 'RUNNING') throw notRunning(description.status.name);
      try {
        // Pinned to the described run so a newer run under the same id is never cancelled by accident.
        await rpc(() => client.workflow.getHandle(workflowId, description.runId).cancel());
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw notRunning('closed');
        translateTemporalError(error, workflowId);
      }
      return { workflowId, status: 'cancel_requested' };
    },

    async terminateRun(workflowId, reason) {
      const description = await describe(workflowId);
      const notRunning = (status: string) =>
        AppError.conflict(`Run "${workflowId}" is ${status}; only a running run can be terminated.`, 'run-not-running');
      if (description.status.name !== 'RUNNING') throw notRunning(description.status.name);
      try {
        await rpc(() => client.workflow.getHandle(workflowId, description.runId).terminate(reason));
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw notRunning('closed');
        translateTemporalError(error, workflowId);
      }
      return { workflowId, status: 'terminated' };
    },
  };
}

export type { RunStatus };
