import { fieldOf, type ResetPolicy } from '../../workflows/reset-policy';

/** Every connector task of a flow runs as this activity; its input's `task` is the task path. */
const FLOW_CALL = 'callFlowFunction';

/**
 * Flows: a step is a connector task's path (`/do/2/createSalesOrder`). Every call task may be
 * reset to; a flow whose compensations undid an effect is refused like a code process.
 */
export const flowResetPolicy: ResetPolicy = {
  resettableSteps: 'the path of any connector task of the flow (e.g. /do/2/createSalesOrder)',
  isResettable: (step) => step.startsWith('/do/'),
  stepOf(activity) {
    if (activity.activityType !== FLOW_CALL || flowCompensated(activity.input) !== null) return null;
    const task = fieldOf(activity.input, ['task']);
    return typeof task === 'string' ? task : null;
  },
  compensationOf(activity) {
    if (activity.activityType !== FLOW_CALL) return null;
    const compensated = flowCompensated(activity.input);
    return compensated === null ? null : { undoes: compensated };
  },
};

/**
 * The task a compensation undoes: its idempotency key is `<workflowId>:<compensator path>@<compensated>`
 * (flow-run.workflow.ts); a forward call's is `<workflowId>:<runtime path>`. Anchored on the task
 * path so an `@` in the workflow id (an email as business key) is no compensation.
 */
function flowCompensated(input: unknown): string | null {
  const key = fieldOf(input, ['idempotencyKey']);
  const task = fieldOf(input, ['task']);
  if (typeof key !== 'string' || typeof task !== 'string') return null;
  const marker = `:${task}@`;
  const at = key.lastIndexOf(marker);
  return at < 0 ? null : key.slice(at + marker.length);
}
