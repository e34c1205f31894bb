/**
 * `erp/business-central`: register with `registry.registerVendor(businessCentralVendor)`.
 * Settings (plain, shown by the API) and credentials (write-only) are validated by the exported
 * schemas; the OAuth2 client-credentials injector comes from the shared auth factory.
 */
import { authFromSettings } from '../../http';
import type { VendorRegistration } from '../../registry/registry-types';
import { BusinessCentralConnector, type BcConnectorDeps } from './bc.connector';
import { bcManifest } from './bc.manifest';
import { bcEndpoints, credentialsSchema, settingsSchema } from './bc.settings';

export {
  bcEndpoints,
  credentialsSchema,
  settingsSchema,
  type BcCredentials,
  type BcEndpoints,
  type BcSettings,
} from './bc.settings';
export { bcManifest } from './bc.manifest';
export { BusinessCentralConnector, type BcConnectorDeps } from './bc.connector';
export type { HttpClientFactory } from './bc.client';

/** Builds an instance from unvalidated settings and credentials (throws on invalid ones). */
export function createBusinessCentralConnector(
  name: string,
  settings: unknown,
  credentials: unknown,
  deps: Partial<Omit<BcConnectorDeps, 'apiRoot'>> = {},
): BusinessCentralConnector {
  const parsed = settingsSchema.parse(settings);
  const { apiRoot, tokenUrl } = bcEndpoints(parsed);
  const auth =
    deps.auth ??
    authFromSettings(
      { type: 'oauth2ClientCredentials', tokenUrl, scope: parsed.scope, ...credentialsSchema.parse(credentials) },
      { connector: name },
    );
  return new BusinessCentralConnector(name, parsed, { auth, apiRoot, httpClientFor: deps.httpClientFor });
}

export const businessCentralVendor: VendorRegistration = {
  kind: 'erp',
  vendor: bcManifest.vendor,
  settingsSchema,
  credentialsSchema,
  hosts: bcManifest.hosts,
  destinationSettings: bcManifest.destinationSettings,
  create: ({ name, settings, credentials }) => createBusinessCentralConnector(name, settings, credentials),
};
