import { z } from 'zod';
import type { ConnectorKind } from '../spi';

/** Every connector kind, as data (spi.ts holds the type). */
export const CONNECTOR_KINDS = ['crm', 'erp', 'email', 'payment', 'http'] as const satisfies readonly ConnectorKind[];
// Fails to compile when spi.ts gains a kind this list lacks.
const everyKindListed: ConnectorKind extends (typeof CONNECTOR_KINDS)[number] ? true : never = true;
void everyKindListed;

export function isConnectorKind(value: unknown): value is ConnectorKind {
  return typeof value === 'string' && (CONNECTOR_KINDS as readonly string[]).includes(value);
}

/** `<kind>.<label>`: `crm.main`, `erp.eu`, `email.transactional-eu`. Lower case; at most 100 characters. */
export const INSTANCE_NAME = /^(crm|erp|email|payment|http)\.[a-z0-9](?:[a-z0-9._-]{0,88}[a-z0-9])?$/;

export const instanceNameSchema = z
  .string()
  .regex(
    INSTANCE_NAME,
    'must be <kind>.<label>, e.g. crm.main: kind crm, erp, email, payment or http; label of lower-case letters, digits, . _ -',
  );

/** The kind a well-formed instance name starts with. */
export function kindOfInstanceName(name: string): ConnectorKind | null {
  const prefix = name.split('.', 1)[0];
  return isConnectorKind(prefix) ? prefix : null;
}

/** Vendor ids: `hubspot`, `sap-s4hana`. */
export const vendorIdSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/, 'must be lower-case letters, digits and -, at most 60 characters');
