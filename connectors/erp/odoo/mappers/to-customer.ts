import type { Customer, CustomerInput } from '../../../spi';
import type { PartnerRow } from '../odoo.schemas';

/**
 * Our customer → res.partner values. The CRM contact id, when given, is kept in the partner's
 * `ref` (Reference) field so that ERP users can trace a customer back to the CRM.
 */
export function partnerValues(customer: CustomerInput): Record<string, unknown> {
  return {
    name: customer.name,
    email: customer.email,
    ...(customer.crmContactId !== undefined ? { ref: customer.crmContactId } : {}),
  };
}

export function toCustomer(row: PartnerRow): Customer {
  const customer: Customer = {
    id: String(row.id),
    email: row.email === false ? '' : row.email.toLowerCase(),
    name: row.name === false ? '' : row.name,
  };
  if (row.ref !== false && row.ref !== '') customer.crmContactId = row.ref;
  return customer;
}
