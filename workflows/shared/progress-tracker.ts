import { ApplicationFailure, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { progressQuery, type PendingApproval, type Progress, type ProgressDetails } from './progress';
import { ProcessStatus, type ProcessStatusValue } from './search-attributes';

/** Failure type and message of whatever a step threw, unwrapping activity failures. */
export function describeFailure(error: unknown): { type: string | null; message: string } {
  let current: unknown = error;
  while (current instanceof Error) {
    if (current instanceof ApplicationFailure) return { type: current.type ?? null, message: current.message };
    if (!current.cause) break;
    current = current.cause;
  }
  return { type: null, message: error instanceof Error ? error.message : String(error) };
}

/**
 * Keeps a process's progress (answered by the `progress` query) and mirrors its status into the
 * ProcessStatus search attribute so ops can filter by it in the Web UI.
 */
export class ProgressTracker {
  private readonly state: Progress = { status: 'RUNNING', currentStep: null, stepsDone: [], compensations: [] };
  /** What the recorded failure was: a failure passing up through enclosing steps stays the innermost step's. */
  private failedWith: unknown;

  constructor() {
    // The query result is serialised at once, so handing out the live object is safe.
    setHandler(progressQuery, () => this.state);
  }

  setStatus(status: ProcessStatusValue): void {
    this.state.status = status;
    upsertSearchAttributes([{ key: ProcessStatus, value: status }]);
  }

  /** Runs one business step, recording it as current, then done. */
  async step<T>(name: string, run: () => Promise<T>): Promise<T> {
    this.state.currentStep = name;
    try {
      const result = await run();
      this.state.stepsDone.push(name);
      return result;
    } catch (error) {
      if (error !== this.failedWith) {
        this.failedWith = error;
        this.state.failure = { step: name, ...describeFailure(error) };
      }
      throw error;
    } finally {
      this.state.currentStep = null;
    }
  }

  /** Shows who the run waits for; null once nobody is asked. */
  setPending(pending: PendingApproval | null): void {
    if (pending) this.state.pending = { ...pending };
    else delete this.state.pending;
  }

  /** Replaces the process-specific figures the query shows (e.g. `{ sent, failed }` of a fan-out). */
  setDetails(details: ProgressDetails): void {
    this.state.details = details;
  }

  compensated(step: string, error?: unknown): void {
    this.state.compensations.push(
      error === undefined
        ? { step, outcome: 'done' }
        : { step, outcome: 'failed', error: describeFailure(error).message },
    );
  }

  /** Names another step as where the run failed (a flow whose catch raised the error again names its origin). */
  relocateFailure(step: string): void {
    if (this.state.failure) this.state.failure.step = step;
  }

  get failedStep(): string | null {
    return this.state.failure?.step ?? null;
  }
}
