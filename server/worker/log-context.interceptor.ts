import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { withLogContext } from '../../logging/log-context';

/** Every line logged while an activity runs carries its workflowId, runId and activity type. */
export const activityLogContext: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    execute: (input, next) =>
      withLogContext(
        {
          workflowId: ctx.info.workflowExecution?.workflowId,
          runId: ctx.info.workflowExecution?.runId,
          activity: ctx.info.activityType,
        },
        () => next(input),
      ),
  },
});
