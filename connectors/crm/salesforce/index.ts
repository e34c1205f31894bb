/**
 * `crm/salesforce`: register with `registry.registerVendor(salesforceVendor)`. Settings (plain,
 * shown by the API) and credentials (write-only: an OAuth2 client-credentials or JWT-bearer
 * flow for the shared auth factory) are validated by the exported schemas.
 */
import { authFromSettings, type AuthInjector } from '../../http';
import type { VendorRegistration } from '../../registry/registry-types';
import { SalesforceCrmConnector } from './salesforce.connector';
import { salesforceManifest } from './salesforce.manifest';
import { credentialsSchema, settingsSchema } from './salesforce.settings';

export { SalesforceCrmConnector, idempotencyValue } from './salesforce.connector';
export { salesforceManifest, DEFAULT_API_VERSION } from './salesforce.manifest';
export {
  credentialsSchema,
  settingsSchema,
  SALESFORCE_AUTH_TYPES,
  type SalesforceCredentials,
  type SalesforceSettings,
} from './salesforce.settings';

/**
 * Builds an instance from unvalidated settings and credentials; throws a ZodError naming the bad
 * field. `auth` replaces the injector built from the credentials (then they may be absent).
 */
export function createSalesforceConnector(
  name: string,
  settings: unknown,
  credentials: unknown,
  auth?: AuthInjector,
): SalesforceCrmConnector {
  const options = settingsSchema.parse(settings);
  return new SalesforceCrmConnector(
    name,
    options,
    auth ?? authFromSettings(credentialsSchema.parse(credentials), { connector: name }),
  );
}

export const salesforceVendor: VendorRegistration = {
  kind: 'crm',
  vendor: salesforceManifest.vendor,
  settingsSchema,
  credentialsSchema,
  hosts: salesforceManifest.hosts,
  create: ({ name, settings, credentials }) => createSalesforceConnector(name, settings, credentials),
};
