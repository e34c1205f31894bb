import type { z } from 'zod';
import type { Config } from '../../config';
import type { OutboxStore } from '../email/email-outbox';
import type { SandboxModels } from '../sandbox/sandbox.models';
import type { ConnectorByKind, ConnectorKind } from '../spi';
import type { Credentials } from '../vault';
import type { ConnectorKit } from './connector-kit';

/** What the process gives the registry, for its vendor factories (server/connectors/registry-deps.ts builds it). */
export interface RegistryDeps {
  config: Config;
  /** Where the email connectors record each idempotency key's message (exactly-once email). */
  outbox: OutboxStore;
  /** The tables the sandbox vendors keep their records and injected faults in. */
  sandbox: SandboxModels;
}

/** What a vendor factory receives beside its instance: the process's deps and the connector kit. */
export interface FactoryDeps extends RegistryDeps {
  kit: ConnectorKit;
}

/** The instance a factory builds: settings and credentials already validated by the vendor's schemas. */
export interface FactoryInstance {
  name: string;
  settings: Record<string, unknown>;
  /** Opened from the vault (database) or the environment (connectors.yaml); {} when there are none. Never log them. */
  credentials: Credentials;
}

export type ConnectorFactory<K extends ConnectorKind> = (
  instance: FactoryInstance,
  deps: FactoryDeps,
) => ConnectorByKind[K];

interface VendorRegistrationOf<K extends ConnectorKind> {
  kind: K;
  /** Lower-case id, unique per kind: `hubspot`, `sap-s4hana`. */
  vendor: string;
  /**
   * Validates an instance's settings when it is saved (API, connectors.yaml) and before it is
   * built. A plain z.object is made strict, so a misspelt field is named instead of ignored.
   */
  settingsSchema?: z.ZodType;
  /**
   * Validates the credentials, or `undefined` when none are given (wrap it in `.optional()` when
   * the vendor can do without). Absent: the vendor takes no credentials.
   */
  credentialsSchema?: z.ZodType;
  /**
   * The vendor's own hosts (`api.stripe.com`, `*.salesforce.com`): every URL of an instance's
   * settings and credentials must be https:// on one of them unless the operator's egress
   * allow-list names it (connectors/registry/destination-rules.ts). Absent: the vendor runs on
   * its customers' hosts (SAP, Odoo), and only the connection-time guard applies.
   */
  hosts?: readonly string[];
  /**
   * Settings that are not URLs but still choose where the credentials go (Business Central's
   * `tenantId` names the token endpoint): changing one through the API needs the credentials again.
   */
  destinationSettings?: readonly string[];
  /** Problems of schema-valid settings that depend on the environment (production refuses more). */
  settingsProblems?: (
    settings: Record<string, unknown>,
    context: { production: boolean },
  ) => { path: (string | number)[]; message: string }[];
  create: ConnectorFactory<K>;
}

export type VendorRegistration = { [K in ConnectorKind]: VendorRegistrationOf<K> }[ConnectorKind];

/** Where an instance definition comes from; the first one that defines a name wins. */
export type InstanceSource = 'database' | 'config' | 'default';
export const INSTANCE_SOURCES: readonly InstanceSource[] = ['database', 'config', 'default'];

/** How an instance is configured (the API, connectors.yaml, or the built-in defaults). */
export interface ConnectorInstanceDefinition {
  kind: ConnectorKind;
  vendor: string;
  /** Vendor-specific and validated by the vendor's settingsSchema. Not secret: the API shows them (masked). */
  settings: Record<string, unknown>;
  /** Opens the credentials when the connector is built (vault decryption, or resolved env references). */
  credentials?: () => Credentials;
  /** false: resolve refuses the instance (default true). */
  enabled?: boolean;
  /**
   * Identifies the definition's content: a refresh that yields the same revision keeps the built
   * connector. Without one, every (re)definition rebuilds it.
   */
  revision?: string;
}
