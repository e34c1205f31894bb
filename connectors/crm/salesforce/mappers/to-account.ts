import type { Account, CompanyInput } from '../../../spi';
import type { AccountRecord, SalesforceFields } from '../salesforce.schemas';

export const ACCOUNT_FIELDS = ['Id', 'Name', 'Website'] as const;

/** Our company → Account fields; the domain is stored as the Website. */
export function accountFields(company: CompanyInput): SalesforceFields {
  return { Name: company.name, ...(company.domain !== undefined ? { Website: company.domain } : {}) };
}

/** The Website values a user may have typed for a domain: bare, www., http(s)://, trailing slash. */
export function websiteCandidates(domain: string): string[] {
  const hosts = [domain, `www.${domain}`];
  const urls = hosts.flatMap((host) => [host, `http://${host}`, `https://${host}`]);
  return [...urls, ...urls.map((url) => `${url}/`)];
}

/** `https://www.Acme.example/about` → `acme.example`. */
export function domainOf(website: string | null | undefined): string | undefined {
  if (website === null || website === undefined || website.trim() === '') return undefined;
  const host =
    website
      .trim()
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .split(/[/?#]/)[0] ?? '';
  const domain = host.replace(/^www\./i, '').toLowerCase();
  return domain === '' ? undefined : domain;
}

export function toAccount(record: AccountRecord): Account {
  const domain = domainOf(record.Website);
  return { id: record.Id, name: record.Name ?? '', ...(domain !== undefined ? { domain } : {}) };
}
