import type { FlowEvent, FlowEventReceipt } from './flow-run.types';

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One waiting `listen` task: the filters it still needs matched and what it consumed. */
interface Listener {
  task: string;
  /** `one`: one filter; `any`: the first event matching any filter (none: any event); `all`: one event per filter. */
  mode: 'one' | 'any' | 'all';
  pending: JsonObject[];
  consumed: FlowEvent[];
  done: boolean;
}

/** `with`: every attribute given equals the event's (`data` compared as JSON). */
function matches(filter: JsonObject, event: FlowEvent): boolean {
  const attributes = event as unknown as JsonObject;
  return Object.entries(filter).every(
    ([key, expected]) => JSON.stringify(attributes[key]) === JSON.stringify(expected),
  );
}

function filtersOf(consumer: JsonObject): JsonObject[] {
  return isJsonObject(consumer.with) ? [consumer.with] : [{}];
}

/** The `listen` tasks of a run waiting for events, fed by the `event` update. */
export class FlowEventListeners {
  private readonly waiting: Listener[] = [];

  /** Starts waiting per a task's `listen.to`; the listener is done once its events arrived. */
  listen(task: string, to: unknown): Listener {
    const spec = isJsonObject(to) ? to : {};
    let listener: Listener;
    if (isJsonObject(spec.one)) {
      listener = { task, mode: 'one', pending: filtersOf(spec.one), consumed: [], done: false };
    } else if (Array.isArray(spec.all)) {
      listener = {
        task,
        mode: 'all',
        pending: spec.all.filter(isJsonObject).flatMap(filtersOf),
        consumed: [],
        done: false,
      };
    } else {
      const any = Array.isArray(spec.any) ? spec.any.filter(isJsonObject).flatMap(filtersOf) : [];
      listener = { task, mode: 'any', pending: any.length > 0 ? any : [{}], consumed: [], done: false };
    }
    this.waiting.push(listener);
    return listener;
  }

  stop(listener: Listener): void {
    const index = this.waiting.indexOf(listener);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  /** The update's validator: refuses (before history records it) an event nobody waits for. */
  assertWanted(event: FlowEvent): void {
    if (typeof event?.type !== 'string' || event.type === '') throw new Error('An event needs a type');
    if (!this.findTaker(event)) {
      throw new Error(`No listen task of this run waits for an event of type ${event.type} now`);
    }
  }

  /** Hands the event to the first listener that takes it. */
  deliver(event: FlowEvent): FlowEventReceipt {
    const taker = this.findTaker(event);
    if (!taker) return { accepted: false };
    const { listener, filter } = taker;
    listener.consumed.push(event);
    if (listener.mode === 'all') listener.pending.splice(listener.pending.indexOf(filter), 1);
    listener.done = listener.mode !== 'all' || listener.pending.length === 0;
    return { accepted: true, task: listener.task };
  }

  private findTaker(event: FlowEvent): { listener: Listener; filter: JsonObject } | null {
    for (const listener of this.waiting) {
      if (listener.done) continue;
      const filter = listener.pending.find((candidate) => matches(candidate, event));
      if (filter) return { listener, filter };
    }
    return null;
  }
}
