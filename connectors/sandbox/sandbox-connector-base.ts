import type { Transaction } from 'sequelize';
import { z } from 'zod';
import type { SandboxModels } from './sandbox.models';
import type { ConnectorKind, WriteOptions } from '../spi';
import { withSandboxFaults, type SandboxOperation } from './sandbox-faults';
import { idempotencyKeyInput, pageSizeInput, parseInput } from '../inputs';
import { SandboxStore } from './sandbox-store';

/** Settings of a sandbox instance (connectors.yaml or the API); all optional. */
export const sandboxSettingsSchema = z.object({
  /** Page size of listInvoices and listPayments, whose SPI takes no page size (default 100). */
  pageSize: pageSizeInput.default(100),
});
export type SandboxSettings = z.infer<typeof sandboxSettingsSchema>;

/** What the three sandbox connectors share: the store, fault injection and idempotent writes. */
export abstract class SandboxConnectorBase<K extends ConnectorKind> {
  abstract readonly kind: K;
  readonly vendor = 'sandbox';
  protected readonly store: SandboxStore;
  protected readonly settings: SandboxSettings;

  constructor(
    readonly name: string,
    protected readonly models: SandboxModels,
    settings: unknown = {},
  ) {
    this.store = new SandboxStore(models, name);
    this.settings = sandboxSettingsSchema.parse(settings);
  }

  async healthCheck(): Promise<void> {
    await this.call('healthCheck', async () => {
      await this.store.count('receipts');
    });
  }

  /** Every operation goes through here so that injected faults apply to it. */
  protected async call<T>(operation: SandboxOperation, fn: () => Promise<T>): Promise<T> {
    return withSandboxFaults(this.models, this.name, operation, fn);
  }

  /** A write: faults first, then `perform` exactly once per idempotency key. */
  protected async write<T>(
    operation: SandboxOperation,
    options: WriteOptions,
    resultSchema: z.ZodType<T>,
    perform: (tx: Transaction) => Promise<T>,
  ): Promise<T> {
    const key = parseInput(idempotencyKeyInput, options.idempotencyKey, this.name);
    return this.call(operation, () => this.store.runOnce(operation, key, resultSchema, perform));
  }
}
