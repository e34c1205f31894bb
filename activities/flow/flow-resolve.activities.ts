import { ApplicationFailure } from '@temporalio/common';
import type { Models } from '../../server/db/models';
import { FLOW_ARGUMENTS_ERROR } from '../../workflows/flow/flow-failure-types';
import type { PinnedFlow } from '../../workflows/flow/flow-run.types';

export interface ResolveFlowVersionRequest {
  task: string;
  name: string;
  version: string;
}

/**
 * Finds the published flow a `run: workflow` task names, so the sub-flow runs pinned to it like
 * any flow run. A local activity: the document it returns is recorded in the parent's history.
 */
export function createFlowResolveActivities(models: Models | undefined) {
  return {
    async resolveFlowVersion({ task, name, version }: ResolveFlowVersionRequest): Promise<PinnedFlow> {
      if (!models) throw new Error('This worker has no database to read published flows from');
      const found = await models.FlowVersion.findOne({ where: { name, version } });
      if (!found) {
        throw ApplicationFailure.nonRetryable(
          `Task ${task}: run.workflow names flow ${name}@${version}, which is not published`,
          FLOW_ARGUMENTS_ERROR,
        );
      }
      if (found.status === 'retired') {
        throw ApplicationFailure.nonRetryable(
          `Task ${task}: flow ${name}@${version} is retired; publish a version to run instead`,
          FLOW_ARGUMENTS_ERROR,
        );
      }
      return { name, version, document: found.document };
    },
  };
}
