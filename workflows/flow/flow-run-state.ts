import { proxyLocalActivities, workflowInfo, type RetryPolicy } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { FlowScope, FlowTaskOutput, FlowTaskOutputRules } from '../../activities/flow/flow-activity.types';
import { ProgressTracker } from '../shared/progress-tracker';
import { FlowEventListeners } from './flow-event-listeners';
import { FLOW_ARGUMENTS_ERROR, FLOW_EXPRESSION_ERROR } from './flow-failure-types';
import type { PinnedFlow } from './flow-run.types';
import { templateExpressions } from './runtime-expressions';

/** jq runs outside the sandbox; a local activity records each evaluation's result for replay. */
const expressions = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [FLOW_EXPRESSION_ERROR, FLOW_ARGUMENTS_ERROR] },
});

/** What a task list runs with besides its input: loop and error variables, and an enclosing `try`'s retry. */
export interface Frame {
  variables: Readonly<Record<string, unknown>>;
  /** Set inside a `try` whose `catch.retry` applies: the Temporal retry policy of its connector calls. */
  retry?: RetryPolicy;
}

export interface PendingCompensation {
  /** Name of the task that undoes, as `metadata.compensate` names it. */
  compensator: string;
  /** Runtime path of the task it undoes. */
  compensated: string;
  /** The scope the compensated task ended with: `.` its output, `$context` after it. */
  scope: FlowScope;
}

/**
 * The state of one flow run: `$context`, progress, pending compensations, and the evaluation of
 * expressions (skipped when a value holds none, which most do).
 */
export class FlowRunState {
  readonly workflowId = workflowInfo().workflowId;
  readonly progress = new ProgressTracker();
  readonly compensations: PendingCompensation[] = [];
  readonly listeners = new FlowEventListeners();
  context: unknown = {};
  private readonly visits = new Map<string, number>();
  private readonly failedTasks = new WeakMap<object, string>();
  private readonly workflowVariable: Record<string, unknown>;

  constructor(
    readonly flow: PinnedFlow,
    workflowInput: unknown,
  ) {
    const started = workflowInfo().startTime;
    this.workflowVariable = {
      id: this.workflowId,
      input: workflowInput,
      startedAt: { iso8601: started.toISOString(), epoch: { milliseconds: started.getTime() } },
    };
  }

  /** `.` and the `$` variables for a task's expressions. */
  scope(input: unknown, frame: Frame, task: { name: string; reference: string }): FlowScope {
    return {
      input,
      variables: {
        ...frame.variables,
        context: this.context,
        input,
        output: null,
        workflow: this.workflowVariable,
        task,
        runtime: { name: 'junction', flow: { name: this.flow.name, version: this.flow.version } },
      },
    };
  }

  /** The values of `templates` in `scope`; jq runs only when one of them holds an expression. */
  async evaluate(task: string, templates: unknown[], scope: FlowScope): Promise<unknown[]> {
    if (templateExpressions(templates).length === 0) return templates;
    return expressions.evaluateFlowTemplates({ task, templates, scope });
  }

  async evaluateOne(task: string, template: unknown, scope: FlowScope): Promise<unknown> {
    const [value] = await this.evaluate(task, [template], scope);
    return value;
  }

  /** `output.as` and `export.as` of a task over what it produced. */
  async applyOutput(task: string, raw: unknown, rules: FlowTaskOutputRules, scope: FlowScope): Promise<FlowTaskOutput> {
    if (rules.outputAs === undefined && rules.exportAs === undefined) return { output: raw };
    if (templateExpressions([rules.outputAs, rules.exportAs]).length === 0) {
      const output = rules.outputAs === undefined ? raw : rules.outputAs;
      return rules.exportAs === undefined ? { output } : { output, context: rules.exportAs };
    }
    return expressions.applyFlowTaskOutput({ task, raw, scope, ...rules });
  }

  /**
   * The path a task runs under: its document path, with `#n` from its second run on (a `then`
   * jumping back), so each run has its own idempotency key. Retries of a `try` restore the counts
   * (restoreVisits): a retried call keeps its key.
   */
  visit(path: string): string {
    const count = (this.visits.get(path) ?? 0) + 1;
    this.visits.set(path, count);
    return count === 1 ? path : `${path}#${count}`;
  }

  saveVisits(): Map<string, number> {
    return new Map(this.visits);
  }

  restoreVisits(saved: Map<string, number>): void {
    this.visits.clear();
    for (const [path, count] of saved) this.visits.set(path, count);
  }

  /** Notes the innermost task an error came out of (the first to see it); errors pass up through enclosing tasks. */
  noteFailure(error: unknown, runtimePath: string): void {
    if (typeof error === 'object' && error !== null && !this.failedTasks.has(error)) {
      this.failedTasks.set(error, runtimePath);
    }
  }

  /** The task an error came out of, for the DSL error's `instance`. */
  failedTaskOf(error: unknown): string | undefined {
    return typeof error === 'object' && error !== null ? this.failedTasks.get(error) : undefined;
  }

  /** Every side effect's key: `<workflowId>:<task path>`. */
  idempotencyKey(runtimePath: string): string {
    return `${this.workflowId}:${runtimePath}`;
  }
}
