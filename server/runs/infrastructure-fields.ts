/**
 * Input fields that choose infrastructure — which connector instance a step calls, whether the
 * ERP or the connector raises the invoice — are the deployment's choice, not a caller's: a caller
 * who may start an order must not route its payment to the sandbox while the real ERP books it.
 * Processes declare them (ProcessDefinition.infrastructureFields); the API refuses a caller's value
 * unless the caller holds `runs:infrastructure`, and the intake unless the event source allows it.
 *
 * A value that only restates what the deployment would choose itself (a schedule's spec read and
 * sent back, with the connector defaults it was completed with) changes nothing and passes.
 */
import type { ProcessDefinition } from '../../workflows/catalog';
import { AppError } from '../errors/app-error';

/** Called with the infrastructure fields a request chooses (never empty); throws when the caller may not choose them. */
export type InfrastructureGuard = (fields: readonly string[]) => void;

/** What services do without a guard: refuse, so a new caller of a service is safe by default. */
export const refuseInfrastructure: InfrastructureGuard = (fields) => {
  throw AppError.forbidden(
    `The input chooses infrastructure (${fields.map((field) => `input.${field}`).join(', ')}), which needs the "runs:infrastructure" scope.`,
  );
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The process's infrastructure fields; `connectors` always, for a process that chooses connectors. */
export function infrastructureFieldsOf(process: ProcessDefinition): string[] {
  const fields = new Set(process.infrastructureFields ?? []);
  if (process.choosesConnectors) fields.add('connectors');
  return [...fields];
}

/** Every part of `given` equals the same part of `chosen` (an object may name fewer keys). */
function restates(given: unknown, chosen: unknown): boolean {
  if (isRecord(given))
    return isRecord(chosen) && Object.entries(given).every(([key, value]) => restates(value, chosen[key]));
  return given === chosen;
}

/**
 * The infrastructure fields the caller's input sets to something other than what the deployment
 * would choose. `prepare` is how the deployment completes an input (connector defaults, the
 * process's completeInput), applied to the input without those fields.
 */
export function infrastructureChosen(
  process: ProcessDefinition,
  input: unknown,
  prepare: (input: unknown) => unknown,
): string[] {
  if (!isRecord(input)) return [];
  const given = infrastructureFieldsOf(process).filter((field) => input[field] !== undefined);
  if (given.length === 0) return [];
  const deployment = prepare(Object.fromEntries(Object.entries(input).filter(([key]) => !given.includes(key))));
  return given.filter((field) => !restates(input[field], isRecord(deployment) ? deployment[field] : undefined));
}
