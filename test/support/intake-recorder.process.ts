/** The catalog entry of the intake suites' recorder process (intake-recorder.workflow.ts). */
import { z } from 'zod';
import type { ProcessDefinition } from '../../workflows/catalog';
import { defineProcess } from '../../workflows/process-definition';
import { BusinessKey } from '../../workflows/shared/search-attributes';

export const recorderInputSchema = z.strictObject({
  key: z.string().min(1).max(100),
  amount: z.number().int().positive(),
});

/** Workflow ids are `<prefix>-<key>`: give each suite its own prefix on the shared dev server. */
export function intakeRecorderProcess(workflowIdPrefix: string): ProcessDefinition {
  return defineProcess({
    type: 'intakeRecorder',
    description: 'test fixture: records the events signalled to it',
    inputSchema: recorderInputSchema,
    workflowId: (input) => `${workflowIdPrefix}-${input.key}`,
    businessKey: (input) => input.key,
    initialSearchAttributes: (input) => [{ key: BusinessKey, value: input.key }],
    queries: [{ name: 'recorded', description: 'the events acted on and the repeats ignored' }],
    signals: [
      {
        name: 'recordEvent',
        description: 'an event for the run',
        inputSchema: z.looseObject({ kind: z.string().min(1) }),
      },
      { name: 'finish', description: 'ends the run' },
    ],
    updates: [
      {
        name: 'setNote',
        description: 'adds a note; refused when it starts with "refuse"',
        inputSchema: z.strictObject({ note: z.string().min(1) }),
      },
    ],
  });
}
