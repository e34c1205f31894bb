import type { Account, CompanyInput } from '../../../spi';
import type { HubSpotObject } from '../hubspot.schemas';

export const COMPANY_PROPERTIES = ['name', 'domain'] as const;

export function companyProperties(company: CompanyInput): Record<string, string> {
  return { name: company.name, ...(company.domain !== undefined ? { domain: company.domain } : {}) };
}

/** A HubSpot company as our Account. */
export function toAccount(record: HubSpotObject): Account {
  const { name, domain } = record.properties;
  return { id: record.id, name: name ?? '', ...(domain ? { domain: domain.toLowerCase() } : {}) };
}
