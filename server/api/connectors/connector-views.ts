import type { InstanceSource } from '../../../connectors/registry';
import type { ConnectorKind } from '../../../connectors/spi';
import type { VaultErrorCode } from '../../../connectors/vault';
import { redactSecrets, redactUrl } from '../../../logging/redact';

/** What the API shows of an instance: never a credential value, only the field names. */
export interface ConnectorView {
  name: string;
  kind: ConnectorKind;
  vendor: string;
  /** Where the definition in force comes from: `database` (this API), `config` (connectors.yaml) or `default`. */
  source: InstanceSource;
  /** For a database instance, the layer it overrides, if any. */
  overrides: Exclude<InstanceSource, 'database'> | null;
  enabled: boolean;
  /** As saved; URL passwords and secret-named fields of file and default instances are masked. */
  settings: Record<string, unknown>;
  hasCredentials: boolean;
  credentialFields: string[];
  /** Set when stored credentials cannot be opened by this process (e.g. `unknown-key` before a rotation finished). */
  credentialsError?: VaultErrorCode;
  /** The vault key id that seals a database instance's credentials. */
  credentialsKeyId?: string;
  createdAt?: string;
  updatedAt?: string;
  links: { self: string; test: string };
}

export function connectorLink(name: string): string {
  return `/v1/connectors/${encodeURIComponent(name)}`;
}

export function connectorLinks(name: string): ConnectorView['links'] {
  return { self: connectorLink(name), test: `${connectorLink(name)}/test` };
}

function maskUrls(value: unknown): unknown {
  if (typeof value === 'string') return /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value) ? redactUrl(value) : value;
  if (Array.isArray(value)) return value.map(maskUrls);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskUrls(item)]));
  return value;
}

/**
 * Settings as shown: the API refuses secrets in settings, but connectors.yaml references and the
 * default SMTP_URL may put a password there.
 */
export function maskSettings(settings: Record<string, unknown>): Record<string, unknown> {
  return redactSecrets(maskUrls(settings)) as Record<string, unknown>;
}
