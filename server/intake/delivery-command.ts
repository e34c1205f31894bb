/**
 * The Temporal call an inbox row asks for, resolved and validated when the event was accepted and
 * stored with it (event_inbox.command). The consumer needs nothing else: no source config, no
 * catalog, so a row delivers the same after a config change, on replay, or when an import wrote it.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { z } from 'zod';
import { DELIVERY_MODES, type DeliveryMode } from './event-source';

export interface StoredSearchAttribute {
  name: string;
  type: SearchAttributeType;
  /** DATETIME values as ISO strings. */
  value: string | number | boolean | string[];
}

export interface DeliveryCommand {
  mode: DeliveryMode;
  workflowType: string;
  workflowId: string;
  /** The workflow input (start, signalWithStart), validated against the process's input schema. */
  input?: unknown;
  /** Set at start, so the run is searchable at once (start, signalWithStart). */
  searchAttributes?: StoredSearchAttribute[];
  /** The signal or update and its argument (signal, signalWithStart, update). */
  message?: { name: string; arg: unknown };
}

const searchAttributeTypes = Object.values(SearchAttributeType) as [SearchAttributeType, ...SearchAttributeType[]];

const deliveryCommandSchema = z.object({
  mode: z.enum(DELIVERY_MODES as [DeliveryMode, ...DeliveryMode[]]),
  workflowType: z.string().min(1),
  workflowId: z.string().min(1),
  input: z.unknown().optional(),
  searchAttributes: z
    .array(
      z.object({
        name: z.string().min(1),
        type: z.enum(searchAttributeTypes),
        value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]),
      }),
    )
    .optional(),
  message: z.object({ name: z.string().min(1), arg: z.unknown() }).optional(),
});

/** A stored command, checked: a row edited by hand or written by an older version fails here, not in Temporal. */
export function parseDeliveryCommand(stored: unknown): DeliveryCommand {
  const value = typeof stored === 'string' ? (JSON.parse(stored) as unknown) : stored;
  const command = deliveryCommandSchema.parse(value);
  const needsInput = command.mode === 'start' || command.mode === 'signalWithStart';
  if (needsInput && !('input' in command)) throw new Error(`a ${command.mode} command needs an input`);
  if (command.mode !== 'start' && !command.message) throw new Error(`a ${command.mode} command needs a message`);
  return command as DeliveryCommand;
}

export function storeSearchAttributes(pairs: readonly SearchAttributePair[]): StoredSearchAttribute[] {
  return pairs.map(({ key, value }) => ({
    name: key.name,
    type: key.type,
    value: value instanceof Date ? value.toISOString() : value,
  }));
}

export function typedSearchAttributesOf(stored: readonly StoredSearchAttribute[]): SearchAttributePair[] {
  return stored.map(({ name, type, value }) => {
    const key = defineSearchAttributeKey(name, type);
    return {
      key,
      value: type === SearchAttributeType.DATETIME ? new Date(String(value)) : value,
    } as SearchAttributePair;
  });
}
