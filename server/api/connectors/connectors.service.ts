import { Transaction, UniqueConstraintError } from 'sequelize';
import type {
  ConnectorRegistry,
  ConnectorInstanceDefinition,
  InstanceSource,
  VendorRegistration,
} from '../../../connectors/registry';
import { DatabaseInstances, settingsOf } from '../../connectors/database-instances';
import {
  checkCredentials,
  checkSettings,
  urlPasswordIssues,
  type DefinitionIssue,
} from '../../../connectors/registry/instance-validation';
import type { ConnectorKind } from '../../../connectors/spi';
import {
  isVaultError,
  type CredentialVault,
  type Credentials,
  type SealedCredentials,
} from '../../../connectors/vault';
import type { ConnectorInstance } from '../../db/models';
import { AppError, type FieldError } from '../../errors/app-error';
import { fieldPath } from '../../errors/field-errors';
import { runHealthCheck, type HealthCheckResult } from './connector-health-check';
import { changedDestinations } from '../../../connectors/registry/destination-rules';
import {
  assertCredentialsFollowDestinations,
  assertDestinationsAllowed,
  settingsPolicyIssues,
} from './destination-checks';
import { connectorLinks, maskSettings, type ConnectorView } from './connector-views';
import type { CreateConnectorBody, PatchConnectorBody, ReplaceConnectorBody } from './connectors.schemas';
import { mergePatch } from './merge-patch';

export interface ConnectorsServiceDeps {
  registry: ConnectorRegistry;
  instances: typeof ConnectorInstance;
  vault: CredentialVault;
  /** Bound on POST /test (default 10 s). */
  healthCheckTimeoutMs?: number;
}

/** What a write changed about the credentials, for the audit row (never the values). */
export type CredentialsChange = 'replaced' | 'cleared' | 'kept' | 'none';

export interface SavedConnector {
  view: ConnectorView;
  created: boolean;
  credentials: CredentialsChange;
  /**
   * Settings fields whose destination this write changed, compared with the row it replaced or,
   * for a new row, with the connectors.yaml or default definition it overrides: the audit row
   * names them, so a connector re-pointed elsewhere is visible.
   */
  destinationsChanged: string[];
}

export interface ConnectorsService {
  list(): Promise<ConnectorView[]>;
  get(name: string): Promise<ConnectorView>;
  create(body: CreateConnectorBody): Promise<SavedConnector>;
  replace(name: string, body: ReplaceConnectorBody): Promise<SavedConnector>;
  update(name: string, patch: PatchConnectorBody): Promise<SavedConnector>;
  remove(name: string): Promise<{ fallback: InstanceSource | null }>;
  test(name: string): Promise<HealthCheckResult>;
}

function fieldErrors(issues: readonly DefinitionIssue[]): FieldError[] {
  return issues.map((issue) => ({ field: fieldPath('', issue.path), message: issue.message }));
}

function notEditable(name: string, source: InstanceSource): AppError {
  const where = source === 'config' ? 'connectors.yaml' : 'the built-in defaults';
  return AppError.conflict(
    `Connector "${name}" comes from ${where}: PUT a full definition to override it here, or change it there.`,
    'connector-not-editable',
  );
}

function credentialFieldsOf(open: () => Credentials): Pick<ConnectorView, 'credentialFields' | 'credentialsError'> {
  try {
    return { credentialFields: Object.keys(open()).sort() };
  } catch (error) {
    return { credentialFields: [], ...(isVaultError(error) ? { credentialsError: error.code } : {}) };
  }
}

export function createConnectorsService(deps: ConnectorsServiceDeps): ConnectorsService {
  const { registry, instances, vault } = deps;
  const healthCheckTimeoutMs = deps.healthCheckTimeoutMs ?? 10_000;
  const database = new DatabaseInstances(instances, registry, vault);
  const sequelize = instances.sequelize;
  if (!sequelize) throw new Error('createConnectorsService: the models are not bound to a database');

  /** The file or default definition a name falls back to without its database row. */
  function lowerLayer(
    name: string,
  ): { source: Exclude<InstanceSource, 'database'>; definition: ConnectorInstanceDefinition } | null {
    for (const source of ['config', 'default'] as const) {
      const definition = registry.layerDefinition(source, name);
      if (definition) return { source, definition };
    }
    return null;
  }

  function viewOfRow(row: ConnectorInstance): ConnectorView {
    const ciphertext = row.credentialsCiphertext;
    const keyId = row.credentialsKeyId;
    const credentials =
      ciphertext && keyId
        ? credentialFieldsOf(() => vault.open(row.name, { ciphertext, keyId }))
        : { credentialFields: [] };
    return {
      name: row.name,
      kind: row.kind as ConnectorKind,
      vendor: row.vendor,
      source: 'database',
      overrides: lowerLayer(row.name)?.source ?? null,
      enabled: row.enabled,
      settings: maskSettings(settingsOf(row)),
      hasCredentials: Boolean(ciphertext),
      ...credentials,
      ...(keyId ? { credentialsKeyId: keyId } : {}),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      links: connectorLinks(row.name),
    };
  }

  function viewOfDefinition(
    name: string,
    source: Exclude<InstanceSource, 'database'>,
    definition: ConnectorInstanceDefinition,
  ): ConnectorView {
    const credentials = definition.credentials ? credentialFieldsOf(definition.credentials) : { credentialFields: [] };
    return {
      name,
      kind: definition.kind,
      vendor: definition.vendor,
      source,
      overrides: null,
      enabled: definition.enabled ?? true,
      settings: maskSettings(definition.settings),
      hasCredentials: credentials.credentialFields.length > 0,
      ...credentials,
      links: connectorLinks(name),
    };
  }

  function vendorOf(kind: ConnectorKind, vendor: string): VendorRegistration {
    const registration = registry.findVendor(kind, vendor);
    if (registration) return registration;
    const known = registry
      .listVendors()
      .filter((v) => v.kind === kind)
      .map((v) => v.vendor);
    throw AppError.validation('The vendor is not available.', [
      {
        field: 'vendor',
        message: `no ${kind} vendor "${vendor}" is registered (known: ${known.join(', ') || 'none'})`,
      },
    ]);
  }

  /** Checks settings with the vendor's schema and rules (destination-checks.ts); URL passwords are refused (GET shows settings). */
  function checkedSettings(registration: VendorRegistration, settings: Record<string, unknown>): void {
    const checked = checkSettings(registration, settings);
    const policy = checked.ok ? settingsPolicyIssues(registry, registration, checked.value) : [];
    const issues = [...(checked.ok ? [] : checked.issues), ...urlPasswordIssues(settings), ...policy];
    if (issues.length) throw AppError.validation('The settings are invalid for this vendor.', fieldErrors(issues));
    assertDestinationsAllowed(registry, registration, settings);
  }

  /**
   * Decides what the row's credentials become. `given` undefined keeps the stored ones (unless
   * the vendor changes), null clears them, an object replaces them.
   */
  function nextCredentials(
    name: string,
    registration: VendorRegistration,
    given: Credentials | null | undefined,
    stored: { sealed: SealedCredentials | null; vendorChanged: boolean },
  ): { sealed: SealedCredentials | null; change: CredentialsChange } {
    if (given === undefined && stored.sealed) {
      if (stored.vendorChanged)
        throw AppError.validation('The credentials are required.', [
          { field: 'credentials', message: 'must be given again when the vendor changes' },
        ]);
      return { sealed: stored.sealed, change: 'kept' };
    }
    const checked = checkCredentials(registration, given ?? undefined);
    if (!checked.ok)
      throw AppError.validation('The credentials are invalid for this vendor.', fieldErrors(checked.issues));
    // A token URL lives in the credentials: it must be one of the vendor's or the operator's destinations too.
    assertDestinationsAllowed(registry, registration, {}, checked.value);
    const cleared = given === null && stored.sealed ? 'cleared' : 'none';
    if (Object.keys(checked.value).length === 0) return { sealed: null, change: cleared };
    try {
      // The raw object is sealed, not the parsed one: the vendor's defaults apply when it is built.
      return { sealed: vault.seal(name, given ?? {}), change: 'replaced' };
    } catch (error) {
      if (isVaultError(error) && error.code === 'no-master-key') {
        throw new AppError({
          code: 'vault-not-configured',
          status: 409,
          title: 'Credentials cannot be stored',
          detail: error.message,
        });
      }
      throw error;
    }
  }

  function sealedOf(row: ConnectorInstance | null): SealedCredentials | null {
    return row?.credentialsCiphertext && row.credentialsKeyId
      ? { ciphertext: row.credentialsCiphertext, keyId: row.credentialsKeyId }
      : null;
  }

  const storedDestinations = (row: ConnectorInstance | null) =>
    row && { vendor: row.vendor, settings: settingsOf(row), hasCredentials: sealedOf(row) !== null };

  async function saved(
    name: string,
    created: boolean,
    credentials: CredentialsChange,
    destinationsChanged: string[] = [],
  ): Promise<SavedConnector> {
    // This process uses the change at once; other processes within their refresh interval.
    await database.refreshOne(name);
    const row = await instances.findByPk(name);
    if (!row) throw AppError.notFound(`No connector "${name}".`);
    return { view: viewOfRow(row), created, credentials, destinationsChanged };
  }

  /** What a write moves: against the stored row, else the lower layer's definition it overrides (same vendor), else nothing. */
  function movedDestinations(
    name: string,
    registration: VendorRegistration,
    row: ConnectorInstance | null,
    settings: Record<string, unknown>,
  ): string[] {
    const lower = row ? undefined : lowerLayer(name)?.definition;
    const before = row
      ? row.vendor === registration.vendor
        ? settingsOf(row)
        : undefined
      : lower?.vendor === registration.vendor
        ? lower.settings
        : undefined;
    return before ? changedDestinations(registration, before, settings) : [];
  }

  /**
   * READ COMMITTED: locking a name that has no row yet takes no gap lock, so concurrent creates of
   * different connectors cannot deadlock; two creates of the same name meet at the primary key.
   */
  const inTransaction = (work: (transaction: Transaction) => Promise<void>): Promise<void> =>
    sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, work);

  async function locked(name: string, transaction: Transaction): Promise<ConnectorInstance | null> {
    return instances.findByPk(name, { transaction, lock: transaction.LOCK.UPDATE });
  }

  async function write(
    name: string,
    values: {
      kind: ConnectorKind;
      vendor: string;
      settings: Record<string, unknown>;
      enabled: boolean;
      sealed: SealedCredentials | null;
    },
    row: ConnectorInstance | null,
    transaction: Transaction,
  ): Promise<void> {
    const columns = {
      kind: values.kind,
      vendor: values.vendor,
      settings: values.settings,
      enabled: values.enabled,
      credentialsCiphertext: values.sealed?.ciphertext ?? null,
      credentialsKeyId: values.sealed?.keyId ?? null,
    };
    if (row) await row.update(columns, { transaction });
    else await instances.create({ name, ...columns }, { transaction });
  }

  return {
    async list() {
      const rows = await instances.findAll({ order: [['name', 'ASC']] });
      const views = rows.map(viewOfRow);
      const shown = new Set(rows.map((row) => row.name));
      for (const source of ['config', 'default'] as const) {
        for (const [name, definition] of registry.definitionsIn(source)) {
          if (shown.has(name)) continue;
          shown.add(name);
          views.push(viewOfDefinition(name, source, definition));
        }
      }
      return views.sort((a, b) => a.name.localeCompare(b.name));
    },

    async get(name) {
      const row = await instances.findByPk(name);
      if (row) return viewOfRow(row);
      const lower = lowerLayer(name);
      if (lower) return viewOfDefinition(name, lower.source, lower.definition);
      throw AppError.notFound(`No connector "${name}".`);
    },

    async create(body) {
      const registration = vendorOf(body.kind, body.vendor);
      checkedSettings(registration, body.settings);
      const lower = lowerLayer(body.name);
      if (lower)
        throw AppError.conflict(
          `Connector "${body.name}" is already defined in ${lower.source === 'config' ? 'connectors.yaml' : 'the built-in defaults'}: PUT /v1/connectors/${body.name} overrides it.`,
          'connector-exists',
        );
      const credentials = nextCredentials(body.name, registration, body.credentials, {
        sealed: null,
        vendorChanged: false,
      });
      try {
        await inTransaction(async (transaction) => {
          if (await locked(body.name, transaction))
            throw AppError.conflict(
              `Connector "${body.name}" already exists: PUT or PATCH changes it.`,
              'connector-exists',
            );
          await write(
            body.name,
            {
              kind: body.kind,
              vendor: body.vendor,
              settings: body.settings,
              enabled: body.enabled,
              sealed: credentials.sealed,
            },
            null,
            transaction,
          );
        });
      } catch (error) {
        if (error instanceof UniqueConstraintError)
          throw AppError.conflict(
            `Connector "${body.name}" already exists: PUT or PATCH changes it.`,
            'connector-exists',
          );
        throw error;
      }
      return saved(body.name, true, credentials.change);
    },

    async replace(name, body) {
      if (body.name !== undefined && body.name !== name)
        throw AppError.validation('The body names another connector.', [
          { field: 'name', message: 'must equal the name in the path or be omitted' },
        ]);
      if (!name.startsWith(`${body.kind}.`))
        throw AppError.validation('The kind does not match the name.', [
          { field: 'kind', message: `must match the name's prefix (${name.split('.')[0]})` },
        ]);
      const registration = vendorOf(body.kind, body.vendor);
      checkedSettings(registration, body.settings);
      let created = false;
      let change: CredentialsChange = 'none';
      let moved: string[] = [];
      const upsert = () =>
        inTransaction(async (transaction) => {
          const row = await locked(name, transaction);
          created = row === null;
          moved = movedDestinations(name, registration, row, body.settings);
          assertCredentialsFollowDestinations(registration, storedDestinations(row), body.settings, body.credentials);
          const credentials = nextCredentials(name, registration, body.credentials, {
            sealed: sealedOf(row),
            vendorChanged: row !== null && (row.vendor !== body.vendor || row.kind !== body.kind),
          });
          change = credentials.change;
          await write(
            name,
            {
              kind: body.kind,
              vendor: body.vendor,
              settings: body.settings,
              enabled: body.enabled,
              sealed: credentials.sealed,
            },
            row,
            transaction,
          );
        });
      // A concurrent PUT created the row first: this one becomes an update of it.
      await upsert().catch((error: unknown) =>
        error instanceof UniqueConstraintError ? upsert() : Promise.reject(error),
      );
      return saved(name, created, change, moved);
    },

    async update(name, patch) {
      let change: CredentialsChange = 'none';
      let moved: string[] = [];
      await inTransaction(async (transaction) => {
        const row = await locked(name, transaction);
        if (!row) {
          const lower = lowerLayer(name);
          throw lower ? notEditable(name, lower.source) : AppError.notFound(`No connector "${name}".`);
        }
        const kind = row.kind as ConnectorKind;
        if (patch.kind !== undefined && patch.kind !== kind)
          throw AppError.validation('The kind cannot change.', [
            { field: 'kind', message: `must stay ${kind}: the name says so` },
          ]);
        const vendor = patch.vendor ?? row.vendor;
        const registration = vendorOf(kind, vendor);
        const settings =
          patch.settings === undefined
            ? settingsOf(row)
            : (mergePatch(settingsOf(row), patch.settings) as Record<string, unknown>);
        checkedSettings(registration, settings);
        assertCredentialsFollowDestinations(registration, storedDestinations(row), settings, patch.credentials);
        moved = movedDestinations(name, registration, row, settings);
        const credentials = nextCredentials(name, registration, patch.credentials, {
          sealed: sealedOf(row),
          vendorChanged: vendor !== row.vendor,
        });
        change = credentials.change;
        await write(
          name,
          { kind, vendor, settings, enabled: patch.enabled ?? row.enabled, sealed: credentials.sealed },
          row,
          transaction,
        );
      });
      return saved(name, false, change, moved);
    },

    async remove(name) {
      const deleted = await instances.destroy({ where: { name } });
      if (deleted === 0) {
        const lower = lowerLayer(name);
        throw lower ? notEditable(name, lower.source) : AppError.notFound(`No connector "${name}".`);
      }
      await database.refreshOne(name);
      return { fallback: lowerLayer(name)?.source ?? null };
    },

    async test(name) {
      // A row saved through another API replica is tested as saved, not as this process last read it.
      await database.refreshOne(name);
      const described = registry.describeInstance(name);
      if (!described) throw AppError.notFound(`No connector "${name}".`);
      return runHealthCheck(() => registry.resolve(described.definition.kind, name), healthCheckTimeoutMs);
    },
  };
}
