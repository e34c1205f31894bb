/**
 * Third-party vendors from npm packages named in connectors.yaml (`plugins:`). A plugin module
 * exports either `registerJunctionConnectors(host)` (sync or async) or `vendors`, an array of
 * VendorRegistration. Anything else, or a registration that is malformed or takes a vendor id
 * already registered, fails start-up with a message naming the plugin.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CONNECTOR_KINDS, isConnectorKind, vendorIdSchema } from './instance-name';
import { connectorKit, type ConnectorKit } from './connector-kit';
import type { VendorRegistration } from './registry-types';

/** What `registerJunctionConnectors` receives. */
export interface PluginHost {
  registerVendor(registration: VendorRegistration): void;
  /** ConnectorError, the shared HTTP client and its auth injectors. */
  readonly kit: ConnectorKit;
}

/** The part of the registry plugins need. */
export interface VendorSink {
  registerVendor(registration: VendorRegistration): unknown;
  findVendor(kind: VendorRegistration['kind'], vendor: string): VendorRegistration | undefined;
}

export class PluginLoadError extends Error {
  constructor(
    readonly plugin: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Connector plugin "${plugin}" cannot be loaded: ${reason}`, options);
    this.name = 'PluginLoadError';
  }
}

interface PluginModule {
  registerJunctionConnectors?: unknown;
  vendors?: unknown;
  default?: unknown;
}

function hasSafeParse(value: unknown): boolean {
  return typeof (value as { safeParse?: unknown } | null)?.safeParse === 'function';
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '');
}

/** `api.vendor.example` or `*.vendor.example`: the patterns destination-rules.ts matches. */
function isHostPatternList(value: unknown): value is string[] {
  return isStringList(value) && value.every((pattern) => /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(pattern));
}

/** Checks the shape a plugin hands over: plain JavaScript gets no help from the compiler. */
function checkRegistration(plugin: string, value: unknown): VendorRegistration {
  const candidate = value as Partial<Record<keyof VendorRegistration, unknown>> | null;
  if (typeof candidate !== 'object' || candidate === null)
    throw new PluginLoadError(plugin, 'a vendor registration is not an object');
  const { kind, vendor, create, settingsSchema, credentialsSchema, hosts, destinationSettings, settingsProblems } =
    candidate;
  const label = `${String(kind)}/${String(vendor)}`;
  if (!isConnectorKind(kind))
    throw new PluginLoadError(plugin, `vendor ${label}: kind must be one of ${CONNECTOR_KINDS.join(', ')}`);
  if (!vendorIdSchema.safeParse(vendor).success)
    throw new PluginLoadError(plugin, `vendor ${label}: the vendor id must be lower-case letters, digits and -`);
  if (typeof create !== 'function') throw new PluginLoadError(plugin, `vendor ${label}: create must be a function`);
  if (settingsSchema !== undefined && !hasSafeParse(settingsSchema))
    throw new PluginLoadError(plugin, `vendor ${label}: settingsSchema must be a zod schema`);
  if (credentialsSchema !== undefined && !hasSafeParse(credentialsSchema))
    throw new PluginLoadError(plugin, `vendor ${label}: credentialsSchema must be a zod schema`);
  if (hosts !== undefined && !isHostPatternList(hosts))
    throw new PluginLoadError(plugin, `vendor ${label}: hosts must be an array of host names or *.domain patterns`);
  if (destinationSettings !== undefined && !isStringList(destinationSettings))
    throw new PluginLoadError(plugin, `vendor ${label}: destinationSettings must be an array of setting names`);
  if (settingsProblems !== undefined && typeof settingsProblems !== 'function')
    throw new PluginLoadError(plugin, `vendor ${label}: settingsProblems must be a function`);
  return candidate as VendorRegistration;
}

/**
 * Loads one plugin, resolving its name like `require` would from `baseDir` (the directory of
 * connectors.yaml): a package in node_modules or a path relative to the file. Returns the
 * vendors it registered.
 */
export async function loadPlugin(plugin: string, baseDir: string, registry: VendorSink): Promise<VendorRegistration[]> {
  const requireFrom = createRequire(join(baseDir, 'connectors.yaml'));
  let loaded: PluginModule;
  try {
    loaded = requireFrom(plugin) as PluginModule;
  } catch (error) {
    // MODULE_NOT_FOUND for one of the plugin's own imports is a broken plugin, not a missing one.
    const message = String((error as Error).message).split('\n', 1)[0] ?? '';
    const missing = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && message.includes(`'${plugin}'`);
    const reason = missing ? `not found from ${baseDir} (is it installed?)` : `require failed: ${message}`;
    throw new PluginLoadError(plugin, reason, { cause: error });
  }
  // An ES module's exports may sit under `default` when required from CommonJS.
  const exports: PluginModule =
    loaded.registerJunctionConnectors || loaded.vendors
      ? loaded
      : ((loaded.default as PluginModule | undefined) ?? loaded);

  const registered: VendorRegistration[] = [];
  const register = (value: unknown): void => {
    const registration = checkRegistration(plugin, value);
    if (registry.findVendor(registration.kind, registration.vendor)) {
      throw new PluginLoadError(
        plugin,
        `vendor ${registration.kind}/${registration.vendor} is already registered (by Junction or an earlier plugin)`,
      );
    }
    registry.registerVendor(registration);
    registered.push(registration);
  };

  if (typeof exports.registerJunctionConnectors === 'function') {
    const host: PluginHost = Object.freeze({ registerVendor: register, kit: connectorKit });
    try {
      await (exports.registerJunctionConnectors as (host: PluginHost) => unknown)(host);
    } catch (error) {
      if (error instanceof PluginLoadError) throw error;
      throw new PluginLoadError(plugin, `registerJunctionConnectors failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  } else if (Array.isArray(exports.vendors)) {
    for (const vendor of exports.vendors) register(vendor);
  } else {
    throw new PluginLoadError(plugin, 'it exports neither registerJunctionConnectors(host) nor a vendors array');
  }
  if (registered.length === 0) throw new PluginLoadError(plugin, 'it registered no vendor');
  return registered;
}
