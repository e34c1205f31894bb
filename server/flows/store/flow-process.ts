/**
 * A published flow version as a process of the catalog (workflow type `flow:<name>`), so the API,
 * schedules and event sources start it like a code process: its input is checked against the
 * flow's `input.schema` (Ajv), its business key is the flow's declared jq expression, and the run
 * starts with a FlowRunInput carrying the pinned document.
 */
import { randomUUID } from 'node:crypto';
import type { SearchAttributePair } from '@temporalio/common';
import { z } from 'zod';
import {
  FLOW_EVENT_UPDATE,
  flowWorkflowId,
  flowWorkflowType,
  type FlowRunInput,
} from '../../../workflows/flow/flow-run.types';
import { PROGRESS_QUERY, type MessageDefinition, type ProcessDefinition } from '../../../workflows/process-definition';
import { BusinessKey, ProcessStatus } from '../../../workflows/shared/search-attributes';
import { describeFlow } from '../describe-flow';
import type { JqRuntime } from '../jq/jq-runtime';
import type { JsonObject } from '../task-tree';
import type { ValidatedFlow } from '../validate-flow';
import { flowBusinessKey, type BusinessKeyResult } from './flow-business-key';
import { compileInputSchema, type InputSchemaCheck } from './flow-input-schema';

/** What the resolver knows of one flow version when it makes a process of it. */
export interface StartableFlow {
  name: string;
  version: string;
  contentHash: string;
  document: JsonObject;
  /** Versions a run may name (published and deprecated), newest first. */
  startableVersions: readonly string[];
}

const flowEventSchema = z
  .object({
    type: z.string().min(1),
    source: z.string().optional(),
    id: z.string().optional(),
    subject: z.string().optional(),
    data: z.unknown().optional(),
  })
  .strict();

/** Every flow answers the same messages, whatever its version (the interpreter's contract, flow-run.types.ts). */
export const FLOW_MESSAGES: Pick<ProcessDefinition, 'queries' | 'signals' | 'updates'> = {
  queries: [PROGRESS_QUERY],
  signals: [],
  updates: [
    {
      name: FLOW_EVENT_UPDATE,
      description:
        'Sends a CloudEvents-shaped event ({type, source?, id?, subject?, data?}) to the run; a waiting `listen` task whose filter matches takes it. Answers {accepted, task?}.',
      inputSchema: flowEventSchema,
    } satisfies MessageDefinition,
  ],
};

// Compiled input schemas by content hash: a version never changes, so neither does its schema.
const MAX_COMPILED = 500;
const compiled = new Map<string, InputSchemaCheck>();

function inputCheckOf(flow: StartableFlow, schema: Record<string, unknown>): InputSchemaCheck {
  const known = compiled.get(flow.contentHash);
  if (known) return known;
  const result = compileInputSchema(schema);
  // Publishing compiled it once already; a schema that no longer compiles (an Ajv upgrade) refuses every input.
  const check: InputSchemaCheck = result.ok
    ? result.check
    : () => [{ path: [], message: `the flow's input.schema does not compile: ${result.message}` }];
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(flow.contentHash, check);
  return check;
}

export function flowProcess(flow: StartableFlow, jq: JqRuntime): ProcessDefinition {
  const description = describeFlow(flow.document as unknown as ValidatedFlow);
  const check = inputCheckOf(flow, description.inputSchema);
  // One start asks for the key four times (schema, workflow id, business key, search attributes):
  // each jq run costs ~2 ms, so the key of an input object is evaluated once.
  const keys = new WeakMap<object, BusinessKeyResult>();
  const resultOf = (input: unknown): BusinessKeyResult => {
    if (typeof input !== 'object' || input === null) return flowBusinessKey(jq, flow.document, input);
    let result = keys.get(input);
    if (!result) {
      result = flowBusinessKey(jq, flow.document, input);
      keys.set(input, result);
    }
    return result;
  };
  const keyOf = (input: unknown): string | null => {
    const result = resultOf(input);
    // The input schema ran the same evaluation first, so a failure here is a caller that skipped it.
    if (!result.ok) throw new Error(result.message);
    return result.key;
  };
  const inputSchema = z.unknown().superRefine((input, ctx) => {
    const errors = check(input);
    for (const error of errors) ctx.addIssue({ code: 'custom', path: error.path, message: error.message });
    if (errors.length > 0) return;
    const key = resultOf(input);
    if (!key.ok) ctx.addIssue({ code: 'custom', path: [], message: key.message });
  });
  const documentPart = flow.document.document as { title?: unknown; summary?: unknown } | undefined;
  const text = [documentPart?.title, documentPart?.summary].filter((part) => typeof part === 'string').join(': ');
  return {
    type: flowWorkflowType(flow.name),
    description: text || `Flow ${flow.name} ${flow.version}`,
    inputSchema,
    inputJsonSchema: description.inputSchema,
    workflowId: (input) => flowWorkflowId(flow.name, keyOf(input) ?? randomUUID()),
    // '' for a flow without a business key: its runs are found by workflow id only.
    businessKey: (input) => keyOf(input) ?? '',
    initialSearchAttributes: (input) => {
      const key = keyOf(input);
      const pairs: SearchAttributePair[] = [{ key: ProcessStatus, value: 'RUNNING' }];
      return key === null ? pairs : [{ key: BusinessKey, value: key }, ...pairs];
    },
    ...FLOW_MESSAGES,
    startArgument: (input): FlowRunInput => ({
      flow: { name: flow.name, version: flow.version, document: flow.document },
      input,
    }),
    flow: { name: flow.name, version: flow.version, startableVersions: flow.startableVersions },
  };
}
