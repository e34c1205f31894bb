/**
 * `erp/sap-s4hana`: register with `registry.registerVendor(sapS4hanaVendor)`. Settings (plain,
 * shown by the API) and credentials (write-only) are validated by the exported schemas.
 */
import { authFromSettings, basicAuth } from '../../http';
import type { VendorRegistration } from '../../registry/registry-types';
import { SapS4hanaConnector, type SapConnectorDeps } from './sap.connector';
import { sapManifest } from './sap.manifest';
import { credentialsSchema, settingsSchema } from './sap.settings';

export { credentialsSchema, settingsSchema, type SapCredentials, type SapSettings } from './sap.settings';
export { sapManifest, type SapService } from './sap.manifest';
export { SapS4hanaConnector, type SapConnectorDeps } from './sap.connector';
export type { HttpClientFactory } from './sap.client';

/**
 * Builds an instance from unvalidated settings and credentials. `deps.auth` replaces the basic
 * auth built from username and password: the shared auth factory (OAuth2) plugs in there.
 */
export function createSapS4hanaConnector(
  name: string,
  settings: unknown,
  credentials: unknown,
  deps: Partial<SapConnectorDeps> = {},
): SapS4hanaConnector {
  const parsed = settingsSchema.parse(settings);
  const secret = deps.auth ? null : credentialsSchema.parse(credentials);
  const auth =
    deps.auth ??
    (secret && 'password' in secret
      ? basicAuth(parsed.username, secret.password)
      : authFromSettings(secret, { connector: name }));
  return new SapS4hanaConnector(name, parsed, { auth, httpClientFor: deps.httpClientFor });
}

/** No `hosts`: every system runs on its customer's own host; only the connection-time egress guard applies. */
export const sapS4hanaVendor: VendorRegistration = {
  kind: 'erp',
  vendor: sapManifest.vendor,
  settingsSchema,
  credentialsSchema,
  create: ({ name, settings, credentials }) => createSapS4hanaConnector(name, settings, credentials),
};
