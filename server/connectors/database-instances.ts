/**
 * The `database` layer of the registry: instances saved through the API (connector_instances),
 * credentials sealed by the vault and opened only when a connector is built.
 *
 * The process that saves a change applies it at once (refreshOne); every other process re-reads
 * the table every `refreshIntervalMs` (default 30 s), or on restart.
 */
import { createHash } from 'node:crypto';
import type { ConnectorInstance } from '../db/models';
import { getLogger } from '../../logging/logger';
import type { ConnectorRegistry } from '../../connectors/registry';
import type { CredentialVault } from '../../connectors/vault';
import { isConnectorKind } from '../../connectors/registry/instance-name';
import type { ConnectorInstanceDefinition } from '../../connectors/registry/registry-types';

export const DEFAULT_REFRESH_INTERVAL_MS = 30_000;

/** MariaDB returns JSON columns as text. */
export function settingsOf(row: ConnectorInstance): Record<string, unknown> {
  const value: unknown = typeof row.settings === 'string' ? JSON.parse(row.settings) : row.settings;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The registry definition of a row; null when its kind is unknown (a row written by a newer version). */
export function definitionFromRow(row: ConnectorInstance, vault: CredentialVault): ConnectorInstanceDefinition | null {
  if (!isConnectorKind(row.kind)) return null;
  const settings = settingsOf(row);
  const ciphertext = row.credentialsCiphertext;
  const keyId = row.credentialsKeyId;
  const revision = createHash('sha256')
    .update(JSON.stringify([row.kind, row.vendor, settings, row.enabled, keyId]))
    .update(ciphertext ?? Buffer.alloc(0))
    .digest('base64url');
  return {
    kind: row.kind,
    vendor: row.vendor,
    settings,
    enabled: row.enabled,
    revision,
    ...(ciphertext && keyId ? { credentials: () => vault.open(row.name, { ciphertext, keyId }) } : {}),
  };
}

export class DatabaseInstances {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly instances: typeof ConnectorInstance,
    private readonly registry: ConnectorRegistry,
    private readonly vault: CredentialVault,
  ) {}

  /** Re-reads the whole table into the registry's database layer. */
  async refreshAll(): Promise<void> {
    const since = this.registry.currentGeneration();
    const rows = await this.instances.findAll();
    const definitions = new Map<string, ConnectorInstanceDefinition>();
    for (const row of rows) {
      const definition = definitionFromRow(row, this.vault);
      if (definition) definitions.set(row.name, definition);
      else getLogger().warn('connector instance of unknown kind ignored', { connector: row.name, kind: row.kind });
    }
    this.registry.replaceLayer('database', definitions, since);
  }

  /** Re-reads one name, e.g. after this process saved or deleted it. */
  async refreshOne(name: string): Promise<void> {
    const row = await this.instances.findByPk(name);
    const definition = row ? definitionFromRow(row, this.vault) : null;
    if (definition) this.registry.defineInstance(name, definition, 'database');
    else this.registry.removeInstance(name, 'database');
  }

  /** Re-reads the table every intervalMs until stop(); a failed read keeps the last known layer. */
  startPolling(intervalMs: number = DEFAULT_REFRESH_INTERVAL_MS): void {
    if (this.timer || intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.refreshAll().catch((error: unknown) => {
        getLogger().warn('connector instances refresh failed; keeping the last known ones', {
          error: error instanceof Error ? error.message : String(error),
        });
      });
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
