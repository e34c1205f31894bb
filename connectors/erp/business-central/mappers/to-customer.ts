/**
 * Customers ↔ BC customers. The e-mail address is the natural key: the lookup before every
 * create filters on it, so the same e-mail finds the same customer under any idempotency key.
 */
import type { Customer, CustomerInput } from '../../../spi';
import { bcManifest } from '../bc.manifest';
import type { RawCustomer } from '../bc.schemas';
import { odataString } from '../bc.client';

const { customerEmail, customerDisplayName } = bcManifest.limits;

/** `$filter` of the lookup. BC compares text as stored, so the (lower-cased) input is what we wrote. */
export function customerFilter(email: string): string {
  return `email eq ${odataString(email)}`;
}

/** Why BC cannot hold this customer, or null. */
export function customerProblem(input: CustomerInput): string | null {
  return input.email.length > customerEmail ? `email: longer than the ${customerEmail} characters BC stores` : null;
}

/** BC's displayName holds 100 characters: a longer name is cut, not refused. */
function displayName(name: string): string {
  return name.slice(0, customerDisplayName);
}

export function toCustomerCreate(input: CustomerInput): Record<string, unknown> {
  return { displayName: displayName(input.name), email: input.email };
}

/** PATCH body when the name changed; null when nothing did. */
export function toCustomerUpdate(input: CustomerInput, existing: RawCustomer): Record<string, unknown> | null {
  return existing.displayName === displayName(input.name) ? null : { displayName: displayName(input.name) };
}

/** BC's id is ours; e-mail, name and CRM id are the caller's (v1.0 has no field for the CRM id). */
export function toCustomer(raw: RawCustomer, input: CustomerInput): Customer {
  const customer: Customer = { id: raw.id, email: input.email, name: input.name };
  if (input.crmContactId !== undefined) customer.crmContactId = input.crmContactId;
  return customer;
}
