/**
 * The `payment/stripe` vendor. Registered with the ConnectorRegistry as `stripeVendor`; its
 * settings and credentials schemas are exported for the registry and the connectors API.
 */
import type { HttpClient } from '../../http';
import type { VendorRegistration } from '../../registry/registry-types';
import { StripeClient, createStripeHttpClient } from './stripe.client';
import { StripePaymentConnector } from './stripe.connector';
import { stripeManifest } from './stripe.manifest';
import { stripeCredentialsSchema, stripeSettingsSchema } from './stripe.settings';

export { StripePaymentConnector } from './stripe.connector';
export { stripeManifest } from './stripe.manifest';
export {
  stripeCredentialsSchema,
  stripeSettingsSchema,
  type StripeCredentials,
  type StripeSettings,
} from './stripe.settings';

export interface StripeConnectorOptions {
  /** Wraps the HTTP client, e.g. to record responses in contract tests. Default: none. */
  decorateHttp?: (http: HttpClient) => HttpClient;
}

/** Builds a connector from unvalidated settings and credentials; throws a ZodError naming the bad field. */
export function createStripeConnector(
  name: string,
  settings: unknown,
  credentials: unknown,
  options: StripeConnectorOptions = {},
): StripePaymentConnector {
  const validSettings = stripeSettingsSchema.parse(settings);
  const http = createStripeHttpClient(name, validSettings, stripeCredentialsSchema.parse(credentials));
  return new StripePaymentConnector(
    name,
    new StripeClient(name, options.decorateHttp ? options.decorateHttp(http) : http),
    validSettings,
  );
}

export const stripeVendor: VendorRegistration = {
  kind: 'payment',
  vendor: 'stripe',
  settingsSchema: stripeSettingsSchema,
  credentialsSchema: stripeCredentialsSchema,
  hosts: stripeManifest.hosts,
  create: ({ name, settings, credentials }) => createStripeConnector(name, settings, credentials),
};
