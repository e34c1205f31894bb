import type { ConnectorRegistry } from '../../connectors/registry';
import { PROCESS_CATALOG, type ProcessDefinition } from '../../workflows/catalog';
import type { Models } from '../db/models';
import { loadJq } from '../flows/jq/jq-runtime';
import { createFlowsService, type FlowsService } from '../flows/store/flows.service';
import { registryValidationContext } from '../flows/store/flow-validation-context';
import { createProcessResolver, type ProcessResolver } from './process-resolver';

/** The flow store and the resolver over it and the code catalog: one pair per process, shared by the API, schedules and intake. */
export interface Processes {
  flows: FlowsService;
  resolver: ProcessResolver;
}

export interface ProcessesDeps {
  models: Pick<Models, 'FlowVersion'>;
  /** The connector instances flows are validated against. */
  registry: Pick<ConnectorRegistry, 'listInstances'>;
  /** Default: the full process catalog. */
  catalog?: readonly ProcessDefinition[];
}

export function createProcesses({ models, registry, catalog = PROCESS_CATALOG }: ProcessesDeps): Processes {
  const flows = createFlowsService({
    flowVersions: models.FlowVersion,
    validationContext: registryValidationContext(registry),
  });
  return { flows, resolver: createProcessResolver({ catalog, flows, jq: loadJq }) };
}
