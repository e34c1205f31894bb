/**
 * The deployment of the flow e2e suites: the usual API stack (API, worker with the production
 * bundle, sandbox connectors, SMTP sink) with config/flows/ published the way the API role
 * publishes it at start-up, against the stack's own connector instances.
 */
import { publishFlowsFromConfig, type FlowsFolderReport } from '../../server/flows/store/publish-flows-from-config';
import { createProcesses, type Processes } from '../../server/processes/processes';
import { startApiStack, type ApiStack, type ApiStackOptions } from '../support/api-stack';

export interface FlowStack extends ApiStack {
  /** What publishing config/flows/ did at start-up. */
  flowFiles: FlowsFolderReport;
  /** A flow store and resolver of the stack's database, as the API role shares with schedules and intake. */
  processes: Processes;
}

export async function startFlowStack(label: string, env: ApiStackOptions['env'] = {}): Promise<FlowStack> {
  const stack = await startApiStack({ label, env });
  try {
    // The API role's own step (server/roles/api.role.ts); the app reads the same flow_versions table.
    const processes = createProcesses({ models: stack.db.models, registry: stack.registry });
    const flowFiles = await publishFlowsFromConfig(processes.flows);
    return Object.assign(stack, { flowFiles, processes });
  } catch (error) {
    await stack.close();
    throw error;
  }
}

export interface FlowRunView<R = Record<string, unknown>> {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  searchAttributes: Record<string, unknown>;
  progress: {
    status: string;
    currentStep: string | null;
    stepsDone: string[];
    compensations: { step: string; outcome: string; error?: string }[];
    failure?: { step: string; type: string | null; message: string };
    details?: Record<string, unknown>;
  } | null;
  result?: R;
  failure?: { message: string; type: string | null; details?: unknown; cause: unknown };
}
