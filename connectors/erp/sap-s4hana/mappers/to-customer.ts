/**
 * Customers ↔ SAP business partners (organisation category, customer roles, one address with
 * the e-mail). The partner's `BusinessPartnerIDByExtSystem` carries our lookup key.
 */
import { createHash } from 'node:crypto';
import type { Customer, CustomerInput } from '../../../spi';
import type { RawBusinessPartner } from '../sap.schemas';
import type { SapSettings } from '../sap.settings';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** SAP's name fields are 40 characters; a longer name continues in the second field. */
const NAME_FIELD_LENGTH = 40;

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/**
 * The business partner's external number for an e-mail address: `JN` + 18 base32 characters of
 * its SHA-256 (90 bits). The field holds 20 upper-case characters, too few for an address, and a
 * digest keeps the address itself out of a key that SAP shows in lists. Same e-mail → same
 * partner, whatever the idempotency key: that is what makes upsertCustomer an upsert.
 */
export function customerReference(email: string): string {
  const digest = createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest();
  return `JN${base32(digest).slice(0, 18)}`;
}

function nameFields(name: string): { OrganizationBPName1: string; OrganizationBPName2?: string } {
  const first = name.slice(0, NAME_FIELD_LENGTH);
  const rest = name.slice(NAME_FIELD_LENGTH, 2 * NAME_FIELD_LENGTH);
  return rest === '' ? { OrganizationBPName1: first } : { OrganizationBPName1: first, OrganizationBPName2: rest };
}

/**
 * POST /A_BusinessPartner as one deep insert, so the partner, its roles, its address and e-mail
 * exist together or not at all. `BusinessPartner: ''` satisfies the spec's required key and asks
 * SAP for internal numbering. The navigation properties are documented by the service
 * ("creates a business partner including ... Address, Role") but not by the spec's create schema.
 */
export function toBusinessPartnerCreate(input: CustomerInput, settings: SapSettings): Record<string, unknown> {
  return {
    BusinessPartner: '',
    BusinessPartnerCategory: '2',
    ...nameFields(input.name),
    BusinessPartnerIDByExtSystem: customerReference(input.email),
    to_BusinessPartnerRole: { results: settings.customer.roles.map((role) => ({ BusinessPartnerRole: role })) },
    to_BusinessPartnerAddress: {
      results: [
        {
          Country: settings.customer.country,
          to_EmailAddress: { results: [{ EmailAddress: input.email, IsDefaultEmailAddress: true }] },
        },
      ],
    },
  };
}

/** PATCH body (the spec wraps updates in `d`) when the name changed; null when nothing did. */
export function toBusinessPartnerUpdate(
  input: CustomerInput,
  existing: RawBusinessPartner,
): Record<string, unknown> | null {
  const wanted = nameFields(input.name);
  const same =
    existing.OrganizationBPName1 === wanted.OrganizationBPName1 &&
    (existing.OrganizationBPName2 ?? '') === (wanted.OrganizationBPName2 ?? '');
  return same ? null : { d: { OrganizationBPName2: '', ...wanted } };
}

/** The e-mail is the lookup key and the caller's; SAP's partner number becomes the id. */
export function toCustomer(raw: RawBusinessPartner, input: CustomerInput): Customer {
  const customer: Customer = { id: raw.BusinessPartner, email: input.email, name: input.name };
  if (input.crmContactId !== undefined) customer.crmContactId = input.crmContactId;
  return customer;
}
