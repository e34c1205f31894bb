/**
 * Named connector instances (`crm.main`, `erp.eu`) built from vendor factories registered by
 * `kind/vendor`. Activities resolve instances by name; each is built once, on first use.
 */
import { ZodError } from 'zod';
import { LOCAL_SMTP_URL, type Config } from '../config';
import type { Models } from '../server/db/models';
import { getLogger } from '../server/logging/logger';
import { ConnectorError } from './connector-error';
import { SmtpEmailConnector } from './email/smtp/smtp.connector';
import { ConnectorErrorCode } from './errors';
import { SandboxCrmConnector } from './sandbox/sandbox-crm.connector';
import { SandboxErpConnector } from './sandbox/sandbox-erp.connector';
import { SandboxPaymentConnector } from './sandbox/sandbox-payment.connector';
import type { ConnectorByKind, ConnectorKind, ConnectorResolver } from './spi';

export interface RegistryDeps {
  config: Config;
  models: Models;
}

/** How an instance is configured (connectors.yaml, the API, or the defaults below). */
export interface ConnectorInstanceDefinition {
  kind: ConnectorKind;
  vendor: string;
  /** Vendor-specific; each factory validates its own. May hold credentials: never logged. */
  settings: Record<string, unknown>;
}

/** Connectors that hold sockets or pools release them here. */
interface Closable {
  close(): void | Promise<void>;
}

export type ConnectorFactory<K extends ConnectorKind> = (instance: { name: string; settings: Record<string, unknown> }, deps: RegistryDeps) => ConnectorByKind[K];

export type VendorRegistration = { [K in ConnectorKind]: { kind: K; vendor: string; create: ConnectorFactory<K> } }[ConnectorKind];

/** The vendors Junction ships with, as data: adding one is a line here, not a branch in resolve. */
export const BUILT_IN_VENDORS: readonly VendorRegistration[] = [
  { kind: 'crm', vendor: 'sandbox', create: ({ name, settings }, { models }) => new SandboxCrmConnector(name, models, settings) },
  { kind: 'erp', vendor: 'sandbox', create: ({ name, settings }, { models }) => new SandboxErpConnector(name, models, settings) },
  { kind: 'payment', vendor: 'sandbox', create: ({ name, settings }, { models }) => new SandboxPaymentConnector(name, models, settings) },
  { kind: 'email', vendor: 'smtp', create: ({ name, settings }, { models }) => new SmtpEmailConnector(name, settings, models) },
];

/** The instances `npm start` works with and no configuration: sandboxes plus the local SMTP. */
export function defaultInstances(config: Config): Record<string, ConnectorInstanceDefinition> {
  return {
    'crm.main': { kind: 'crm', vendor: 'sandbox', settings: {} },
    'erp.main': { kind: 'erp', vendor: 'sandbox', settings: {} },
    'payment.main': { kind: 'payment', vendor: 'sandbox', settings: {} },
    'email.main': { kind: 'email', vendor: 'smtp', settings: { url: config.smtp.url ?? LOCAL_SMTP_URL, from: config.smtp.from } },
  };
}

function vendorKey(kind: ConnectorKind, vendor: string): string {
  return `${kind}/${vendor}`;
}

function misconfigured(message: string, cause?: unknown): ConnectorError {
  return new ConnectorError(message, { code: ConnectorErrorCode.Misconfigured, retryable: false }, cause === undefined ? undefined : { cause });
}

/** Settings errors name the bad field and never echo its value (it may be a password). */
function describeFactoryError(error: unknown): string {
  if (error instanceof ZodError) return error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`).join('; ');
  return error instanceof Error ? error.message : 'factory failed';
}

function isClosable(value: unknown): value is Closable {
  return typeof (value as Partial<Closable> | null)?.close === 'function';
}

export class ConnectorRegistry implements ConnectorResolver {
  private readonly vendors = new Map<string, VendorRegistration>();
  private readonly definitions = new Map<string, ConnectorInstanceDefinition>();
  private readonly built = new Map<string, ConnectorByKind[ConnectorKind]>();

  constructor(private readonly deps: RegistryDeps) {}

  /** Registers a vendor factory under `kind/vendor`; a later registration replaces an earlier one. */
  registerVendor(registration: VendorRegistration): this {
    this.vendors.set(vendorKey(registration.kind, registration.vendor), registration);
    return this;
  }

  /** Adds or replaces a named instance; a replaced instance is closed and rebuilt on next use. */
  defineInstance(name: string, definition: ConnectorInstanceDefinition): this {
    const previous = this.built.get(name);
    this.built.delete(name);
    this.definitions.set(name, definition);
    if (previous) void this.closeOne(name, previous);
    return this;
  }

  /** Names, kinds and vendors of the configured instances; settings stay inside. */
  listInstances(): { name: string; kind: ConnectorKind; vendor: string }[] {
    return [...this.definitions].map(([name, { kind, vendor }]) => ({ name, kind, vendor }));
  }

  listVendors(): { kind: ConnectorKind; vendor: string }[] {
    return [...this.vendors.values()].map(({ kind, vendor }) => ({ kind, vendor }));
  }

  resolve<K extends ConnectorKind>(kind: K, name: string): ConnectorByKind[K] {
    const definition = this.definitions.get(name);
    if (!definition) throw misconfigured(`No connector instance named "${name}"`);
    if (definition.kind !== kind) throw misconfigured(`Connector "${name}" is a ${definition.kind} connector, not ${kind}`);
    const cached = this.built.get(name);
    if (cached) return cached as ConnectorByKind[K];
    const connector = this.build(name, definition);
    if (connector.kind !== kind) throw misconfigured(`Vendor ${vendorKey(kind, definition.vendor)} built a ${connector.kind} connector for "${name}"`);
    this.built.set(name, connector);
    // The kind check above is what makes this cast true; the map itself cannot carry it.
    return connector as ConnectorByKind[K];
  }

  private build(name: string, definition: ConnectorInstanceDefinition): ConnectorByKind[ConnectorKind] {
    const registration = this.vendors.get(vendorKey(definition.kind, definition.vendor));
    if (!registration) throw misconfigured(`Connector "${name}" uses unknown vendor ${vendorKey(definition.kind, definition.vendor)}`);
    try {
      // The registration was found under definition.kind, so its factory builds that kind.
      const create = registration.create as ConnectorFactory<ConnectorKind>;
      return create({ name, settings: definition.settings }, this.deps);
    } catch (error) {
      if (error instanceof ConnectorError) throw error;
      throw misconfigured(`Connector "${name}" (${vendorKey(definition.kind, definition.vendor)}) could not be created: ${describeFactoryError(error)}`, error);
    }
  }

  /** Releases every built connector's resources (SMTP sockets); instances rebuild on next use. */
  async close(): Promise<void> {
    const built = [...this.built.entries()];
    this.built.clear();
    for (const [name, connector] of built) await this.closeOne(name, connector);
  }

  private async closeOne(name: string, connector: unknown): Promise<void> {
    if (!isClosable(connector)) return;
    try {
      await connector.close();
    } catch (error) {
      getLogger().warn('connector failed to close', { connector: name, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

/** The registry of a Junction process: built-in vendors and the default instances. */
export function createDefaultRegistry(deps: RegistryDeps): ConnectorRegistry {
  const registry = new ConnectorRegistry(deps);
  for (const vendor of BUILT_IN_VENDORS) registry.registerVendor(vendor);
  for (const [name, definition] of Object.entries(defaultInstances(deps.config))) registry.defineInstance(name, definition);
  return registry;
}
