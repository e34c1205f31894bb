import { ApplicationFailure } from '@temporalio/common';
import { compileInputSchema } from '../../server/flows/store/flow-input-schema';
import { findProcess } from '../../workflows/catalog';
import { FLOW_ARGUMENTS_ERROR } from '../../workflows/flow/flow-failure-types';

/** Where an input breaks a schema, as one readable line: `customer.email: Invalid email; lines: Required`. */
function describe(problems: { path: (string | number)[]; message: string }[]): string {
  return problems.map((problem) => `${problem.path.join('.') || '(input)'}: ${problem.message}`).join('; ');
}

function refuse(task: string, what: string, problems: string): never {
  throw ApplicationFailure.nonRetryable(
    `Task ${task}: the input does not fit ${what}: ${problems}`,
    FLOW_ARGUMENTS_ERROR,
  );
}

/** A `run: workflow` of a catalog process: its input must pass the process's own schema, as POST /v1/runs requires. */
export function checkProcessInput(task: string, type: string, input: unknown): void {
  const process = findProcess(type);
  if (!process) {
    throw ApplicationFailure.nonRetryable(`Task ${task}: ${type} is no process of the catalog`, FLOW_ARGUMENTS_ERROR);
  }
  const parsed = process.inputSchema.safeParse(input);
  if (!parsed.success) {
    refuse(
      task,
      type,
      describe(
        parsed.error.issues.map((issue) => ({
          path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
          message: issue.message,
        })),
      ),
    );
  }
}

/** A `run: workflow` of a flow: its input must pass the sub-flow's `input.schema`. */
export function checkFlowInput(task: string, flow: string, document: Record<string, unknown>, input: unknown): void {
  const section = document.input as { schema?: { document?: unknown } } | undefined;
  const schema = section?.schema?.document;
  if (typeof schema !== 'object' || schema === null) return;
  const compiled = compileInputSchema(schema as Record<string, unknown>);
  if (!compiled.ok) refuse(task, flow, `its input.schema does not compile: ${compiled.message}`);
  const problems = compiled.check(input);
  if (problems.length > 0) refuse(task, flow, describe(problems));
}
