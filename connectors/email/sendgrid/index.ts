/**
 * The `email/sendgrid` vendor. Registered with the ConnectorRegistry as `sendgridVendor`; its
 * settings and credentials schemas are exported for the registry and the connectors API.
 */
import type { HttpClient } from '../../http';
import type { OutboxStore } from '../email-outbox';
import type { VendorRegistration } from '../../registry/registry-types';
import { SendGridClient, createSendGridHttpClient } from './sendgrid.client';
import { SendGridEmailConnector } from './sendgrid.connector';
import { sendgridManifest } from './sendgrid.manifest';
import { sendgridCredentialsSchema, sendgridSettingsSchema } from './sendgrid.settings';

export { SendGridEmailConnector } from './sendgrid.connector';
export { sendgridManifest } from './sendgrid.manifest';
export {
  sendgridCredentialsSchema,
  sendgridSettingsSchema,
  type SendGridCredentials,
  type SendGridSettings,
} from './sendgrid.settings';

export interface SendGridConnectorOptions {
  /** Wraps the HTTP client, e.g. to record responses in contract tests. Default: none. */
  decorateHttp?: (http: HttpClient) => HttpClient;
}

/** Builds a connector from unvalidated settings and credentials; throws a ZodError naming the bad field. */
export function createSendGridConnector(
  name: string,
  settings: unknown,
  credentials: unknown,
  outbox: OutboxStore,
  options: SendGridConnectorOptions = {},
): SendGridEmailConnector {
  const validSettings = sendgridSettingsSchema.parse(settings);
  const http = createSendGridHttpClient(name, validSettings, sendgridCredentialsSchema.parse(credentials));
  return new SendGridEmailConnector(
    name,
    validSettings,
    new SendGridClient(name, options.decorateHttp ? options.decorateHttp(http) : http),
    outbox,
  );
}

export const sendgridVendor: VendorRegistration = {
  kind: 'email',
  vendor: 'sendgrid',
  settingsSchema: sendgridSettingsSchema,
  credentialsSchema: sendgridCredentialsSchema,
  hosts: sendgridManifest.hosts,
  create: ({ name, settings, credentials }, { outbox }) => createSendGridConnector(name, settings, credentials, outbox),
};
