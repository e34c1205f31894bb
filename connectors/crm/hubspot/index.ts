/**
 * The `crm/hubspot` vendor. Registered with the ConnectorRegistry as `hubspotVendor`; its
 * settings and credentials schemas are exported for the registry and the connectors API.
 */
import { authFromSettings, bearerToken, type AuthInjector } from '../../http';
import type { VendorRegistration } from '../../registry/registry-types';
import { HubSpotCrmConnector } from './hubspot.connector';
import { hubspotManifest } from './hubspot.manifest';
import { hubspotCredentialsSchema, hubspotSettingsSchema } from './hubspot.settings';

export { HubSpotCrmConnector } from './hubspot.connector';
export { hubspotManifest } from './hubspot.manifest';
export {
  hubspotCredentialsSchema,
  hubspotSettingsSchema,
  type HubSpotCredentials,
  type HubSpotSettings,
} from './hubspot.settings';

/**
 * Builds a connector from unvalidated settings; throws a ZodError naming the bad field. `auth`
 * replaces the private-app token (OAuth2 from the shared auth factory); then credentials may be absent.
 */
export function createHubSpotConnector(
  name: string,
  settings: unknown,
  credentials: unknown,
  auth?: AuthInjector,
): HubSpotCrmConnector {
  const options = hubspotSettingsSchema.parse(settings);
  return new HubSpotCrmConnector(name, options, auth ?? authOf(name, credentials));
}

function authOf(name: string, credentials: unknown): AuthInjector {
  const parsed = hubspotCredentialsSchema.parse(credentials);
  return 'accessToken' in parsed ? bearerToken(parsed.accessToken) : authFromSettings(parsed, { connector: name });
}

export const hubspotVendor: VendorRegistration = {
  kind: 'crm',
  vendor: hubspotManifest.vendor,
  settingsSchema: hubspotSettingsSchema,
  credentialsSchema: hubspotCredentialsSchema,
  hosts: hubspotManifest.hosts,
  create: ({ name, settings, credentials }) => createHubSpotConnector(name, settings, credentials),
};
