/**
 * Which instance a process step uses when its input names none: connectors.yaml `defaults`
 * (e.g. `{ crm: crm.main, erp: erp.eu }`). The API fills them into the input when it starts a run,
 * so the run's history records the instances it was started with and a later change of the file
 * does not move a running process to another system.
 */
import type { ConnectorKind } from '../spi';

export type StepConnectors = Partial<Record<ConnectorKind, string>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns the input with `connectors` completed from the defaults; names given in the input win.
 * Inputs that are not objects, malformed `connectors` and empty defaults leave the input unchanged (the same object).
 * Apply it only to processes whose input has a `connectors` field (orderToCash).
 */
export function withDefaultConnectors<T>(input: T, defaults: StepConnectors): T {
  if (!isRecord(input) || Object.keys(defaults).length === 0) return input;
  // A malformed `connectors` is left for the input schema to name.
  if (input.connectors !== undefined && !isRecord(input.connectors)) return input;
  return { ...input, connectors: { ...defaults, ...input.connectors } };
}
