import { ApplicationFailure } from '@temporalio/common';
import type { Models } from '../../server/db/models';
import { FLOW_ARGUMENTS_ERROR } from '../../workflows/flow/flow-failure-types';
import type { PinnedFlow } from '../../workflows/flow/flow-run.types';
import { checkFlowInput, checkProcessInput } from './child-run-input';

export interface ResolveFlowVersionRequest {
  task: string;
  name: string;
  version: string;
  /** The child's input, checked against the sub-flow's input.schema. */
  input: unknown;
}

export interface CheckProcessInputRequest {
  task: string;
  type: string;
  input: unknown;
}

/**
 * What a `run: workflow` task needs before it starts its child, as local activities: the
 * published flow it names (the child runs pinned to it; the document is recorded in the parent's
 * history), and the check of the child's input against the child's schema.
 */
export function createFlowResolveActivities(models: Models | undefined) {
  return {
    async checkCatalogProcessInput({ task, type, input }: CheckProcessInputRequest): Promise<void> {
      checkProcessInput(task, type, input);
    },

    async resolveFlowVersion({ task, name, version, input }: ResolveFlowVersionRequest): Promise<PinnedFlow> {
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
      checkFlowInput(task, `flow ${name}@${version}`, found.document, input);
      return { name, version, document: found.document };
    },
  };
}
