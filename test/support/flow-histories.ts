import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { JSONToPayload, payloadToJSON, type JSONPayload } from '../../server/temporal/sdk-internals';
import type { FlowRunInput } from '../../workflows/flow/flow-run.types';

/** A recorded history in the JSON of `temporal workflow show --output json`, as far as a flow's start reads it. */
export interface FlowHistoryJSON {
  events: [
    { workflowExecutionStartedEventAttributes: { input: { payloads: [JSONPayload] } } } & Record<string, unknown>,
    ...unknown[],
  ];
}

const FLOW_HISTORIES = join(__dirname, '..', 'histories', 'flows');

/** A recorded flow history from test/histories/flows/. */
export function loadFlowHistory(file: string): FlowHistoryJSON {
  return JSON.parse(readFileSync(join(FLOW_HISTORIES, file), 'utf8')) as FlowHistoryJSON;
}

/** The run's input (with the pinned flow document) from its WorkflowExecutionStarted event. */
export function flowRunInputOf(history: FlowHistoryJSON): FlowRunInput {
  const [payload] = history.events[0].workflowExecutionStartedEventAttributes.input.payloads;
  return defaultPayloadConverter.fromPayload<FlowRunInput>(JSONToPayload(payload));
}

/**
 * A copy of `history` whose WorkflowExecutionStarted event carries the input `change` makes of the
 * recorded one: the same run, as if it had been started with another flow definition.
 */
export function withChangedFlowRunInput(
  history: FlowHistoryJSON,
  change: (input: FlowRunInput) => void,
): FlowHistoryJSON {
  const copy = structuredClone(history);
  const input = flowRunInputOf(copy);
  change(input);
  copy.events[0].workflowExecutionStartedEventAttributes.input.payloads = [
    payloadToJSON(defaultPayloadConverter.toPayload(input)),
  ];
  return copy;
}
