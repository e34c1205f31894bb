import type { Contact, ContactInput } from '../../../spi';
import type { HubSpotObject } from '../hubspot.schemas';

/** Contact properties this connector reads; `lastmodifieddate` drives the change feed. */
export const CONTACT_PROPERTIES = ['email', 'firstname', 'lastname', 'phone', 'company', 'lastmodifieddate'] as const;

/** Our input → HubSpot properties; absent fields are left out so an upsert never blanks them. */
export function contactProperties(contact: ContactInput): Record<string, string> {
  const properties: Record<string, string> = { email: contact.email };
  if (contact.firstName !== undefined) properties.firstname = contact.firstName;
  if (contact.lastName !== undefined) properties.lastname = contact.lastName;
  if (contact.phone !== undefined) properties.phone = contact.phone;
  if (contact.company !== undefined) properties.company = contact.company;
  return properties;
}

function present(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

/** When the record last changed, in epoch ms: `lastmodifieddate`, else the object's updatedAt. */
export function contactModifiedAt(record: HubSpotObject): number {
  const at = Date.parse(present(record.properties.lastmodifieddate) ?? record.updatedAt);
  return Number.isNaN(at) ? 0 : at;
}

/**
 * A HubSpot contact as our Contact, or null when it has no email (HubSpot allows such contacts;
 * the SPI's contacts are keyed by email, so they are skipped).
 */
export function toContact(record: HubSpotObject): Contact | null {
  const p = record.properties;
  const email = present(p.email);
  if (email === undefined) return null;
  const contact: Contact = {
    id: record.id,
    email: email.toLowerCase(),
    updatedAt: new Date(contactModifiedAt(record)).toISOString(),
  };
  const firstName = present(p.firstname);
  const lastName = present(p.lastname);
  const phone = present(p.phone);
  const company = present(p.company);
  if (firstName !== undefined) contact.firstName = firstName;
  if (lastName !== undefined) contact.lastName = lastName;
  if (phone !== undefined) contact.phone = phone;
  if (company !== undefined) contact.company = company;
  return contact;
}
