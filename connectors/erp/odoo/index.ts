/**
 * The `erp/odoo` vendor. Registered with the ConnectorRegistry as `odooVendor`; its settings
 * and credentials schemas are exported for the registry and the connectors API.
 */
import type { VendorRegistration } from '../../registry/registry-types';
import { OdooErpConnector } from './odoo.connector';
import { odooManifest } from './odoo.manifest';
import { odooCredentialsSchema, odooSettingsSchema } from './odoo.settings';

export { OdooErpConnector } from './odoo.connector';
export { odooManifest } from './odoo.manifest';
export { OdooRpcClient } from './odoo-rpc.client';
export { odooCredentialsSchema, odooSettingsSchema, type OdooCredentials, type OdooSettings } from './odoo.settings';

/** Builds a connector from unvalidated settings and credentials; throws a ZodError naming the bad field. */
export function createOdooConnector(name: string, settings: unknown, credentials: unknown): OdooErpConnector {
  return new OdooErpConnector(name, odooSettingsSchema.parse(settings), odooCredentialsSchema.parse(credentials));
}

/** No `hosts`: every database runs on its customer's own host (or *.odoo.com); only the connection-time egress guard applies. */
export const odooVendor: VendorRegistration = {
  kind: 'erp',
  vendor: odooManifest.vendor,
  settingsSchema: odooSettingsSchema,
  credentialsSchema: odooCredentialsSchema,
  create: ({ name, settings, credentials }) => createOdooConnector(name, settings, credentials),
};
