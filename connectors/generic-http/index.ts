/**
 * The `http/http` vendor: named instances (`http.billing`) a flow's `call: http` goes through
 * (docs/connectors.md, "Generic HTTP"). Registered with the built-in vendors.
 */
import { createHttpClient } from '../http';
import { resilienceOptions } from '../http/resilience-settings';
import type { VendorRegistration } from '../registry/registry-types';
import { httpAuthInjector } from './generic-http.auth';
import { GenericHttpConnector } from './generic-http.connector';
import {
  httpCredentialsSchema,
  httpSettingsProblems,
  httpSettingsSchema,
  type HttpCredentials,
} from './generic-http.settings';

export { GenericHttpConnector } from './generic-http.connector';
export {
  httpCredentialsSchema,
  httpSettingsSchema,
  type HttpAuthSettings,
  type HttpCredentials,
  type HttpSettings,
} from './generic-http.settings';

/** Builds an instance from unvalidated settings and credentials; throws a ZodError or ConnectorError naming the bad field. */
export function createGenericHttpConnector(
  name: string,
  settings: unknown,
  credentials: unknown,
): GenericHttpConnector {
  const parsed = httpSettingsSchema.parse(settings);
  const secrets: HttpCredentials = httpCredentialsSchema.parse(
    credentials !== undefined && credentials !== null && Object.keys(credentials).length > 0 ? credentials : undefined,
  );
  const auth = httpAuthInjector(name, parsed.auth, secrets);
  const client = createHttpClient({
    connector: name,
    baseURL: parsed.baseUrl,
    timeoutMs: parsed.timeoutMs,
    maxResponseBytes: parsed.maxResponseBytes,
    ...(auth ? { auth } : {}),
    ...resilienceOptions(parsed),
  });
  return new GenericHttpConnector(name, parsed, client, auth);
}

export const genericHttpVendor: VendorRegistration = {
  kind: 'http',
  vendor: 'http',
  settingsSchema: httpSettingsSchema,
  credentialsSchema: httpCredentialsSchema,
  settingsProblems: httpSettingsProblems,
  create: ({ name, settings, credentials }) => createGenericHttpConnector(name, settings, credentials),
};
