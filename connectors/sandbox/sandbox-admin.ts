/**
 * Controls for the sandbox vendor from outside: tests and demos inject faults, set stock and
 * count records. Not reachable through the SPI; an admin API route may expose it later.
 */
import { Op } from 'sequelize';
import { z } from 'zod';
import type { SandboxModels } from './sandbox.models';
import type { ConnectorErrorCode } from '../connector-error-codes';
import { AFTER_SUFFIX, isConnectorErrorCode, SANDBOX_OPERATIONS } from './sandbox-faults';
import { SandboxStore } from './sandbox-store';
import { setStock } from './sandbox-stock';

export { SANDBOX_COLLECTION_NAMES } from './sandbox-collections';
export { DEFAULT_AVAILABLE, OUT_OF_STOCK_PREFIX } from './sandbox-stock';
export { DECLINED_TOKEN_PREFIX } from './sandbox-payment.connector';

export interface SandboxFaultSpec {
  /** The connector instance, e.g. `erp.main`. */
  instance: string;
  /** An SPI operation (`createSalesOrder`) or `healthCheck`; append `:after` to fail after the write committed. */
  operation: string;
  code: ConnectorErrorCode;
  /** How many calls fail (default 1); null: every call until cleared. */
  times?: number | null;
}

const faultSpec = z.object({
  instance: z.string().min(1).max(100),
  operation: z
    .string()
    .refine(
      (op) =>
        (SANDBOX_OPERATIONS as readonly string[]).includes(
          op.endsWith(AFTER_SUFFIX) ? op.slice(0, -AFTER_SUFFIX.length) : op,
        ),
      {
        message: `must be one of ${SANDBOX_OPERATIONS.join(', ')}, optionally followed by ${AFTER_SUFFIX}`,
      },
    ),
  code: z.string().refine(isConnectorErrorCode, 'must be a ConnectorErrorCode'),
  times: z.number().int().positive().nullable().default(1),
});

export async function injectSandboxFault(models: SandboxModels, spec: SandboxFaultSpec): Promise<void> {
  const { instance, operation, code, times } = faultSpec.parse(spec);
  await models.SandboxFault.create({ instance, operation, code, remaining: times });
}

/** Removes the faults of one instance, or of every instance. */
export async function clearSandboxFaults(models: SandboxModels, instance?: string): Promise<void> {
  await models.SandboxFault.destroy({ where: instance === undefined ? { id: { [Op.gt]: 0 } } : { instance } });
}

export interface SandboxFaultView {
  id: number;
  instance: string;
  operation: string;
  code: string;
  /** Calls left to fail; null: every call until cleared. */
  remaining: number | null;
}

/** The injected faults still in force, of one instance or of every instance, oldest first. */
export async function listSandboxFaults(models: SandboxModels, instance?: string): Promise<SandboxFaultView[]> {
  const rows = await models.SandboxFault.findAll({
    where: instance === undefined ? {} : { instance },
    order: [['id', 'ASC']],
  });
  return rows.map(({ id, instance, operation, code, remaining }) => ({ id, instance, operation, code, remaining }));
}

export async function setSandboxStock(
  models: SandboxModels,
  instance: string,
  sku: string,
  available: number,
): Promise<void> {
  const level = z.number().int().min(0).parse(available);
  await setStock(new SandboxStore(models, instance), z.string().min(1).parse(sku), level);
}

/** Records of one collection (`salesOrders`, `payments`, `contacts` …) of one instance. */
export function countSandboxRecords(models: SandboxModels, instance: string, collection: string): Promise<number> {
  return new SandboxStore(models, instance).count(collection);
}
