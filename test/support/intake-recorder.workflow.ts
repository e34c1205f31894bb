/**
 * Test-only process for the intake suites: a run per business key that records every event
 * signalled to it, as a workflow that must act once per event would: it keeps the event ids it
 * has seen (EventDelivery, the signal's second argument) and counts a repeat instead of acting
 * on it. The tests read `recorded` to prove each accepted event reached its run exactly once.
 */
import { condition, defineQuery, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';
import type { EventDelivery } from '../../server/intake/event-delivery.types';

export interface RecorderInput {
  key: string;
  amount: number;
}

export interface RecordedEvents {
  input: RecorderInput;
  /** Distinct events acted on, in arrival order (`<source>/<eventId>`). */
  events: string[];
  /** Signals that repeated an event already acted on (a redelivery after a crash). */
  repeats: number;
  notes: string[];
}

export const recordEventSignal = defineSignal<[unknown, EventDelivery | undefined]>('recordEvent');
export const finishSignal = defineSignal('finish');
export const setNoteUpdate = defineUpdate<{ notes: number }, [{ note: string }]>('setNote');
export const recordedQuery = defineQuery<RecordedEvents>('recorded');

export async function intakeRecorder(input: RecorderInput): Promise<RecordedEvents> {
  const seen = new Set<string>();
  const recorded: RecordedEvents = { input, events: [], repeats: 0, notes: [] };
  let finished = false;
  setHandler(recordEventSignal, (_event, delivery) => {
    const id = delivery ? `${delivery.source}/${delivery.eventId}` : 'unknown';
    if (seen.has(id)) {
      recorded.repeats += 1;
      return;
    }
    seen.add(id);
    recorded.events.push(id);
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(
    setNoteUpdate,
    ({ note }) => {
      recorded.notes.push(note);
      return { notes: recorded.notes.length };
    },
    {
      validator: ({ note }) => {
        if (note.startsWith('refuse')) throw new Error(`note "${note}" refused`);
      },
    },
  );
  setHandler(recordedQuery, () => recorded);
  await condition(() => finished);
  return recorded;
}
