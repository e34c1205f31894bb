import type { Contact, ContactInput } from '../../../spi';
import type { ContactRecord, SalesforceFields } from '../salesforce.schemas';

/** Contact fields this connector reads; the company is the linked Account's name. */
export const CONTACT_FIELDS = [
  'Id',
  'Email',
  'FirstName',
  'LastName',
  'Phone',
  'Account.Name',
  'LastModifiedDate',
] as const;

/** Our input → Contact fields; absent fields are left out so an upsert never blanks them. */
export function contactFields(contact: ContactInput, accountId: string | undefined): SalesforceFields {
  const fields: SalesforceFields = { Email: contact.email };
  if (contact.firstName !== undefined) fields.FirstName = contact.firstName;
  if (contact.lastName !== undefined) fields.LastName = contact.lastName;
  if (contact.phone !== undefined) fields.Phone = contact.phone;
  if (accountId !== undefined) fields.AccountId = accountId;
  return fields;
}

/** Salesforce DateTime (`…+0000`) → epoch ms; NaN never leaves: the schema checked the shape. */
export function salesforceTime(value: string): number {
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

function present(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

/**
 * A Salesforce contact as our Contact, or null when it has no email (Salesforce allows such
 * contacts; the SPI's contacts are keyed by email, so they are skipped).
 */
export function toContact(record: ContactRecord): Contact | null {
  const email = present(record.Email);
  if (email === undefined) return null;
  const contact: Contact = {
    id: record.Id,
    email: email.toLowerCase(),
    updatedAt: new Date(salesforceTime(record.LastModifiedDate)).toISOString(),
  };
  const firstName = present(record.FirstName);
  const lastName = present(record.LastName);
  const phone = present(record.Phone);
  const company = present(record.Account?.Name);
  if (firstName !== undefined) contact.firstName = firstName;
  if (lastName !== undefined) contact.lastName = lastName;
  if (phone !== undefined) contact.phone = phone;
  if (company !== undefined) contact.company = company;
  return contact;
}
