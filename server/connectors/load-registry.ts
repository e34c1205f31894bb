/**
 * The connector registry of a Junction process, as start-up builds it:
 *   1. built-in vendors, then the plugins listed in connectors.yaml;
 *   2. instances in three layers, database > connectors.yaml > built-in defaults;
 *   3. the per-step defaults of connectors.yaml, checked against the instances.
 * Before any of it, the process-wide egress policy is set from CONNECTOR_EGRESS_ALLOW, the
 * file's `egress.allow` and the SMTP relay the configuration names (connectors/egress): every
 * role goes through here (server/main.ts), the worker included.
 * Anything wrong in the file or a plugin fails start-up with a message naming it. Rows of the
 * database that no longer build (a removed plugin) only fail when resolved, and are logged.
 */
import { dirname, resolve } from 'node:path';
import { LOCAL_SMTP_URL, type Config } from '../../config';
import { configureEgress } from '../../connectors/egress/egress-policy';
import type { Models } from '../db/models';
import { getLogger } from '../../logging/logger';
import { createDefaultRegistry, type ConnectorRegistry } from '../../connectors/registry';
import { SANDBOX_INSTANCE_NAMES } from '../../connectors/registry/built-in-vendors';
import { createVault, type CredentialVault } from '../../connectors/vault';
import {
  ConnectorsFileError,
  readConnectorsFile,
  type ConnectorsFile,
  type EnvSource,
} from '../../connectors/registry/connectors-file';
import { DatabaseInstances, DEFAULT_REFRESH_INTERVAL_MS } from './database-instances';
import { checkCredentials, checkSettings, issuePath } from '../../connectors/registry/instance-validation';
import { loadPlugin } from '../../connectors/registry/plugins';
import type { StepConnectors } from '../../connectors/registry/step-defaults';
import { registryDeps } from './registry-deps';

/** config/connectors.yaml of this checkout; optional. */
export const DEFAULT_CONNECTORS_FILE = resolve(__dirname, '../../config/connectors.yaml');

export interface LoadConnectorsOptions {
  config: Config;
  models: Models;
  /** Where the file's `${VAR}` references are looked up: the process environment. */
  env: EnvSource;
  /** The file to read; default config.connectorsFile, else DEFAULT_CONNECTORS_FILE when it exists. */
  file?: string;
  /** How often other processes' API changes are picked up; 0 turns polling off (default 30 s). */
  refreshIntervalMs?: number;
}

export interface LoadedConnectors {
  registry: ConnectorRegistry;
  /** connectors.yaml `defaults`: give them to withDefaultConnectors when starting runs. */
  defaults: StepConnectors;
  vault: CredentialVault;
  database: DatabaseInstances;
  /** The file read, or null when there was none. */
  file: string | null;
  plugins: { plugin: string; vendors: string[] }[];
  /** Stops polling and closes every built connector. */
  close(): Promise<void>;
}

/** Defines the file's instances in the `config` layer after checking them against their vendors. */
function defineFileInstances(registry: ConnectorRegistry, file: ConnectorsFile): void {
  const problems: string[] = [];
  for (const [name, instance] of Object.entries(file.instances)) {
    const at = `instances.${name}`;
    const registration = registry.findVendor(instance.kind, instance.vendor);
    if (!registration) {
      const known = registry
        .listVendors()
        .filter((v) => v.kind === instance.kind)
        .map((v) => v.vendor);
      problems.push(
        `${at}.vendor: no ${instance.kind} vendor "${instance.vendor}" is registered (known: ${known.join(', ') || 'none'}; is its plugin listed?)`,
      );
      continue;
    }
    const settings = checkSettings(registration, instance.settings);
    const credentials = checkCredentials(registration, instance.credentials);
    const policy =
      settings.ok && credentials.ok ? registry.policyIssues(registration, settings.value, credentials.value) : [];
    for (const issue of [
      ...(settings.ok ? [] : settings.issues),
      ...(credentials.ok ? [] : credentials.issues),
      ...policy,
    ])
      problems.push(`${at}.${issuePath(issue.path)}: ${issue.message}`);
    const resolved = instance.credentials;
    registry.defineInstance(name, {
      kind: instance.kind,
      vendor: instance.vendor,
      settings: instance.settings,
      enabled: instance.enabled,
      ...(resolved ? { credentials: () => resolved } : {}),
    });
  }
  if (problems.length) throw new ConnectorsFileError(file.source, problems);
}

/**
 * The operator's egress allow-list: CONNECTOR_EGRESS_ALLOW, the file's `egress.allow`, and the
 * SMTP relay email.main uses (SMTP_URL; outside production the local mail catcher when unset),
 * since the operator's configuration names it.
 */
function configureProcessEgress(config: Config, file: ConnectorsFile | null): void {
  const smtpUrl = config.smtp.url ?? (config.env === 'production' ? null : LOCAL_SMTP_URL);
  configureEgress({ allow: [...config.egressAllow, ...(file?.egressAllow ?? [])], smtpUrl });
}

/** Production registers no sandbox: name the default instances processes will miss. */
function warnAboutMissingDefaults(config: Config, registry: ConnectorRegistry): void {
  if (config.env !== 'production') return;
  const missing = SANDBOX_INSTANCE_NAMES.filter((name) => !registry.describeInstance(name));
  if (missing.length === 0) return;
  getLogger().warn(
    'connector instances a process uses by default are not defined: production has no sandbox connectors; define them in connectors.yaml or through /v1/connectors, or name others in each run',
    { missing },
  );
}

function checkStepDefaults(registry: ConnectorRegistry, file: ConnectorsFile): void {
  const problems = Object.entries(file.defaults)
    .filter(([, name]) => name !== undefined && !registry.describeInstance(name))
    .map(
      ([kind, name]) =>
        `defaults.${kind}: no connector instance "${name}" is defined (in this file, the database or the built-in defaults)`,
    );
  if (problems.length) throw new ConnectorsFileError(file.source, problems);
}

export async function loadConnectors(options: LoadConnectorsOptions): Promise<LoadedConnectors> {
  const { config, models, env } = options;
  const explicit = options.file ?? config.connectorsFile;
  const path = resolve(explicit ?? DEFAULT_CONNECTORS_FILE);
  const registry = createDefaultRegistry(registryDeps(config, models));
  const vault = createVault(config);
  const database = new DatabaseInstances(models.ConnectorInstance, registry, vault);
  try {
    const file = await readConnectorsFile(path, env, { required: explicit !== undefined && explicit !== null });
    configureProcessEgress(config, file);
    const plugins: LoadedConnectors['plugins'] = [];
    for (const plugin of file?.plugins ?? []) {
      const vendors = await loadPlugin(plugin, dirname(path), registry);
      plugins.push({ plugin, vendors: vendors.map((v) => `${v.kind}/${v.vendor}`) });
    }
    if (file) defineFileInstances(registry, file);
    await database.refreshAll();
    if (file) checkStepDefaults(registry, file);
    for (const instance of registry.listInstances()) {
      if (!registry.findVendor(instance.kind, instance.vendor)) {
        getLogger().warn('connector instance uses an unknown vendor; it fails when used', {
          connector: instance.name,
          vendor: `${instance.kind}/${instance.vendor}`,
          source: instance.source,
        });
      }
    }
    warnAboutMissingDefaults(config, registry);
    database.startPolling(options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS);
    getLogger().info('connectors loaded', {
      file: file ? path : null,
      plugins: plugins.map((p) => p.plugin),
      instances: registry.listInstances().length,
    });
    return {
      registry,
      defaults: file?.defaults ?? {},
      vault,
      database,
      file: file ? path : null,
      plugins,
      async close() {
        database.stop();
        await registry.close();
      },
    };
  } catch (error) {
    database.stop();
    await registry.close();
    throw error;
  }
}
