/**
 * Named connector instances (`crm.main`, `erp.eu`) built from vendor factories registered by
 * `kind/vendor`. Activities resolve instances by name; each is built once, on first use, and
 * rebuilt when its definition changes.
 *
 * Definitions come in three layers; for each name the first that defines it wins:
 * `database` (the API, connector_instances) > `config` (connectors.yaml) > `default` (below).
 * server/connectors/load-registry.ts fills them at start-up.
 */
import { ZodError } from 'zod';
import { getLogger } from '../logging/logger';
import { ConnectorError } from './connector-error';
import { ConnectorErrorCode } from './connector-error-codes';
import { builtInVendors, defaultInstances, SANDBOX_INSTANCE_NAMES } from './registry/built-in-vendors';
import { connectorKit } from './registry/connector-kit';
import { egressAllowList } from './egress/egress-policy';
import { redisUrlIssues, vendorHostIssues } from './registry/destination-rules';
import { checkCredentials, checkSettings, describeIssues, type DefinitionIssue } from './registry/instance-validation';
import {
  INSTANCE_SOURCES,
  type ConnectorInstanceDefinition,
  type InstanceSource,
  type RegistryDeps,
  type VendorRegistration,
} from './registry/registry-types';
import type { ConnectorByKind, ConnectorKind, ConnectorResolver } from './spi';
import { withRedisUrl } from './http/resilience-settings';

export { BUILT_IN_VENDORS, builtInVendors, defaultInstances } from './registry/built-in-vendors';
export type {
  ConnectorFactory,
  ConnectorInstanceDefinition,
  FactoryDeps,
  FactoryInstance,
  InstanceSource,
  RegistryDeps,
  VendorRegistration,
} from './registry/registry-types';

/** Connectors that hold sockets or pools release them here. */
interface Closable {
  close(): void | Promise<void>;
}

interface BuiltConnector {
  connector: ConnectorByKind[ConnectorKind];
  definition: ConnectorInstanceDefinition;
}

/** The effective definition of a name and the layer it came from. */
export interface ResolvedDefinition {
  name: string;
  source: InstanceSource;
  definition: ConnectorInstanceDefinition;
}

function vendorKey(kind: ConnectorKind, vendor: string): string {
  return `${kind}/${vendor}`;
}

function misconfigured(message: string, cause?: unknown): ConnectorError {
  return new ConnectorError(
    message,
    { code: ConnectorErrorCode.Misconfigured, retryable: false },
    cause === undefined ? undefined : { cause },
  );
}

/** Factory errors name the bad field and never echo its value (it may be a password). */
function describeFactoryError(error: unknown): string {
  if (error instanceof ZodError)
    return error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`).join('; ');
  return error instanceof Error ? error.message : 'factory failed';
}

function isClosable(value: unknown): value is Closable {
  return typeof (value as Partial<Closable> | null)?.close === 'function';
}

function sameDefinition(a: ConnectorInstanceDefinition, b: ConnectorInstanceDefinition): boolean {
  return a === b || (a.revision !== undefined && a.revision === b.revision);
}

export class ConnectorRegistry implements ConnectorResolver {
  private readonly vendors = new Map<string, VendorRegistration>();
  private readonly layers: Record<InstanceSource, Map<string, ConnectorInstanceDefinition>> = {
    database: new Map(),
    config: new Map(),
    default: new Map(),
  };
  private readonly built = new Map<string, BuiltConnector>();
  /** When each name was last defined or removed one by one, per layer (see replaceLayer). */
  private readonly touched: Record<InstanceSource, Map<string, number>> = {
    database: new Map(),
    config: new Map(),
    default: new Map(),
  };
  private generation = 0;

  constructor(private readonly deps: RegistryDeps) {}

  /** Registers a vendor factory under `kind/vendor`; a later registration replaces an earlier one. */
  registerVendor(registration: VendorRegistration): this {
    this.vendors.set(vendorKey(registration.kind, registration.vendor), registration);
    return this;
  }

  findVendor(kind: ConnectorKind, vendor: string): VendorRegistration | undefined {
    return this.vendors.get(vendorKey(kind, vendor));
  }

  listVendors(): { kind: ConnectorKind; vendor: string }[] {
    return [...this.vendors.values()].map(({ kind, vendor }) => ({ kind, vendor }));
  }

  /**
   * Adds or replaces a named instance in one layer (default `config`). When that changes the
   * effective definition, the built connector is closed and rebuilt on next use.
   */
  defineInstance(name: string, definition: ConnectorInstanceDefinition, source: InstanceSource = 'config'): this {
    this.layers[source].set(name, definition);
    this.touched[source].set(name, ++this.generation);
    this.invalidate(name);
    return this;
  }

  /** Removes a name from one layer; a lower layer's definition, if any, takes over. */
  removeInstance(name: string, source: InstanceSource): boolean {
    this.touched[source].set(name, ++this.generation);
    const removed = this.layers[source].delete(name);
    if (removed) this.invalidate(name);
    return removed;
  }

  /** A mark to pass to replaceLayer: taken before reading what will replace the layer. */
  currentGeneration(): number {
    return this.generation;
  }

  /**
   * Replaces a whole layer (a database refresh); only the names whose definition changed are
   * rebuilt. Names defined or removed one by one after `since` keep that newer state, so a
   * refresh that read the table before this process saved a change does not undo it.
   */
  replaceLayer(
    source: InstanceSource,
    definitions: ReadonlyMap<string, ConnectorInstanceDefinition>,
    since = Infinity,
  ): void {
    const layer = this.layers[source];
    const touched = this.touched[source];
    const names = new Set([...layer.keys(), ...definitions.keys()]);
    for (const name of names) {
      if ((touched.get(name) ?? 0) > since) continue;
      const definition = definitions.get(name);
      if (definition) layer.set(name, definition);
      else layer.delete(name);
      this.invalidate(name);
    }
    for (const [name, generation] of touched) if (generation <= since) touched.delete(name);
  }

  /** The definition `resolve` uses for a name, or undefined. */
  describeInstance(name: string): ResolvedDefinition | undefined {
    for (const source of INSTANCE_SOURCES) {
      const definition = this.layers[source].get(name);
      if (definition) return { name, source, definition };
    }
    return undefined;
  }

  /** A layer's own definition of a name, whether or not a higher layer overrides it. */
  layerDefinition(source: InstanceSource, name: string): ConnectorInstanceDefinition | undefined {
    return this.layers[source].get(name);
  }

  /** A layer's own definitions, sorted by name. */
  definitionsIn(source: InstanceSource): [string, ConnectorInstanceDefinition][] {
    return [...this.layers[source]].sort(([a], [b]) => a.localeCompare(b));
  }

  /** Names, kinds, vendors and sources of the effective instances; settings stay inside. */
  listInstances(): { name: string; kind: ConnectorKind; vendor: string; source: InstanceSource }[] {
    const names = new Set(INSTANCE_SOURCES.flatMap((source) => [...this.layers[source].keys()]));
    return [...names]
      .sort()
      .map((name) => this.describeInstance(name)!)
      .map(({ name, source, definition: { kind, vendor } }) => ({ name, kind, vendor, source }));
  }

  /**
   * A definition's problems beyond its vendor's schemas (destination-rules.ts): URLs outside the
   * vendor's hosts that the operator's allow-list does not name, and the vendor's rules that
   * depend on the environment. Pass the credentials when they are known.
   */
  policyIssues(
    registration: VendorRegistration,
    settings: Record<string, unknown>,
    credentials?: unknown,
  ): DefinitionIssue[] {
    return [
      ...this.environmentIssues(registration, settings),
      ...this.destinationIssues(registration, settings, credentials),
    ];
  }

  /** The vendor's rules that depend on the environment (production refuses more). */
  environmentIssues(registration: VendorRegistration, settings: Record<string, unknown>): DefinitionIssue[] {
    return registration.settingsProblems?.(settings, { production: this.deps.config.env === 'production' }) ?? [];
  }

  /** URLs of settings and credentials outside the vendor's hosts, unless the operator's allow-list names them. */
  destinationIssues(
    registration: VendorRegistration,
    settings: Record<string, unknown>,
    credentials?: unknown,
  ): DefinitionIssue[] {
    return vendorHostIssues(registration, settings, credentials, egressAllowList());
  }

  resolve<K extends ConnectorKind>(kind: K, name: string): ConnectorByKind[K] {
    const described = this.describeInstance(name);
    const definition = described?.definition;
    if (!described || !definition)
      throw misconfigured(`No connector instance named "${name}"${this.missingSandboxHint(name)}`);
    if (definition.kind !== kind)
      throw misconfigured(`Connector "${name}" is a ${definition.kind} connector, not ${kind}`);
    if (definition.enabled === false) throw misconfigured(`Connector "${name}" is disabled`);
    const cached = this.built.get(name);
    if (cached && sameDefinition(cached.definition, definition)) return cached.connector as ConnectorByKind[K];
    const connector = this.build(name, definition, described.source);
    if (connector.kind !== kind)
      throw misconfigured(
        `Vendor ${vendorKey(kind, definition.vendor)} built a ${connector.kind} connector for "${name}"`,
      );
    this.built.set(name, { connector, definition });
    // The kind check above is what makes this cast true; the map itself cannot carry it.
    return connector as ConnectorByKind[K];
  }

  /** Production registers no sandbox: say so when a process asks for one of its names. */
  private missingSandboxHint(name: string): string {
    const sandboxName = (SANDBOX_INSTANCE_NAMES as readonly string[]).includes(name);
    return sandboxName && this.deps.config.env === 'production'
      ? ' (production has no sandbox connectors: define it in connectors.yaml or through POST /v1/connectors)'
      : '';
  }

  private build(
    name: string,
    definition: ConnectorInstanceDefinition,
    source: InstanceSource,
  ): ConnectorByKind[ConnectorKind] {
    const key = vendorKey(definition.kind, definition.vendor);
    const registration = this.vendors.get(key);
    if (!registration) throw misconfigured(`Connector "${name}" uses unknown vendor ${key}`);
    try {
      const settings = checkSettings(registration, definition.settings);
      if (!settings.ok) throw new Error(describeIssues(settings.issues));
      // Opened here and handed to the factory only: credentials never leave the connector.
      const credentials = checkCredentials(registration, definition.credentials?.());
      if (!credentials.ok) throw new Error(describeIssues(credentials.issues));
      // A row saved before the API refused it; connectors.yaml may still name a Redis.
      const policy = [
        ...(source === 'database' ? redisUrlIssues(settings.value) : []),
        ...this.policyIssues(registration, settings.value, credentials.value),
      ];
      if (policy.length) throw new Error(describeIssues(policy));
      // The registration was found under definition.kind, so its factory builds that kind.
      const create = registration.create as (
        ...args: Parameters<VendorRegistration['create']>
      ) => ConnectorByKind[ConnectorKind];
      // A configured rate limit is shared through this process's Redis unless the settings name another.
      const withRedis = withRedisUrl(settings.value, this.deps.config.redisUrl);
      return create({ name, settings: withRedis, credentials: credentials.value }, { ...this.deps, kit: connectorKit });
    } catch (error) {
      if (error instanceof ConnectorError) throw error;
      throw misconfigured(`Connector "${name}" (${key}) could not be created: ${describeFactoryError(error)}`, error);
    }
  }

  /** Drops the built connector of a name when its effective definition is no longer the one it was built from. */
  private invalidate(name: string): void {
    const built = this.built.get(name);
    if (!built) return;
    const current = this.describeInstance(name)?.definition;
    if (current && sameDefinition(built.definition, current)) return;
    this.built.delete(name);
    void this.closeOne(name, built.connector);
  }

  /** Releases every built connector's resources (SMTP sockets); instances rebuild on next use. */
  async close(): Promise<void> {
    const built = [...this.built.entries()];
    this.built.clear();
    for (const [name, { connector }] of built) await this.closeOne(name, connector);
  }

  private async closeOne(name: string, connector: unknown): Promise<void> {
    if (!isClosable(connector)) return;
    try {
      await connector.close();
    } catch (error) {
      getLogger().warn('connector failed to close', {
        connector: name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** A registry with the built-in vendors and the default instances, and nothing loaded from files or the database. */
export function createDefaultRegistry(deps: RegistryDeps): ConnectorRegistry {
  const registry = new ConnectorRegistry(deps);
  for (const vendor of builtInVendors(deps.config)) registry.registerVendor(vendor);
  for (const [name, definition] of Object.entries(defaultInstances(deps.config)))
    registry.defineInstance(name, definition, 'default');
  return registry;
}
