import type {
  Account,
  CompanyInput,
  Contact,
  ContactInput,
  CrmConnector,
  CrmOperation,
  Deal,
  DealInput,
  Page,
  WriteOptions,
} from '../spi';
import { accountResult, companies, contactResult, contacts, dealResult, deals } from './sandbox-collections';
import { SandboxConnectorBase } from './sandbox-connector-base';
import { decodeCursor, encodeCursor } from './sandbox-cursor';
import { notFound } from './sandbox-errors';
import { companyInput, contactInput, dealInput, definedFields, pageSizeInput, parseInput } from '../inputs';
import type { SandboxDoc } from './sandbox-store';

type ContactData = Omit<Contact, 'id' | 'updatedAt'>;
type CompanyData = Omit<Account, 'id'>;

function toContact(doc: SandboxDoc<ContactData>): Contact {
  return { ...doc.data, id: doc.id, updatedAt: doc.updatedAt.toISOString() };
}

function toAccount(doc: SandboxDoc<CompanyData>): Account {
  return { id: doc.id, name: doc.data.name, ...(doc.data.domain !== undefined ? { domain: doc.data.domain } : {}) };
}

/** Companies are matched by domain when there is one, else by name, as CRMs deduplicate them. */
function companyKey(company: { name: string; domain?: string | undefined }): string {
  return company.domain !== undefined ? `domain:${company.domain}` : `name:${company.name.toLowerCase()}`;
}

/** The sandbox CRM: contacts upserted by email, companies by domain, deals on contacts. */
export class SandboxCrmConnector extends SandboxConnectorBase<'crm'> implements CrmConnector {
  readonly kind = 'crm';
  readonly unsupported: readonly CrmOperation[] = [];

  async upsertContact(input: ContactInput, options: WriteOptions): Promise<Contact> {
    const contact = parseInput(contactInput, input, this.name);
    return this.write('upsertContact', options, contactResult, async (tx) => {
      const existing = await this.store.getByNaturalKey(contacts, contact.email, tx);
      if (existing)
        return toContact(
          await this.store.replace(contacts, existing, { ...existing.data, ...definedFields(contact) }, tx),
        );
      return toContact(
        await this.store.insert(
          contacts,
          { naturalKey: contact.email, idempotencyKey: options.idempotencyKey, data: contact },
          tx,
        ),
      );
    });
  }

  async findContactByEmail(email: string): Promise<Contact | null> {
    return this.call('findContactByEmail', async () => {
      const doc = await this.store.getByNaturalKey(contacts, email.trim().toLowerCase());
      return doc ? toContact(doc) : null;
    });
  }

  async getAccount(id: string): Promise<Account | null> {
    return this.call('getAccount', async () => {
      const doc = await this.store.get(companies, id);
      return doc ? toAccount(doc) : null;
    });
  }

  async upsertCompany(input: CompanyInput, options: WriteOptions): Promise<Account> {
    const company = parseInput(companyInput, input, this.name);
    const naturalKey = companyKey(company);
    return this.write('upsertCompany', options, accountResult, async (tx) => {
      const existing = await this.store.getByNaturalKey(companies, naturalKey, tx);
      if (existing)
        return toAccount(
          await this.store.replace(companies, existing, { ...existing.data, ...definedFields(company) }, tx),
        );
      return toAccount(
        await this.store.insert(companies, { naturalKey, idempotencyKey: options.idempotencyKey, data: company }, tx),
      );
    });
  }

  async createDeal(input: DealInput, options: WriteOptions): Promise<Deal> {
    const deal = parseInput(dealInput, input, this.name);
    return this.write('createDeal', options, dealResult, async (tx) => {
      if (!(await this.store.get(contacts, deal.contactId, tx))) throw notFound(this.name, 'contact', deal.contactId);
      const doc = await this.store.insert(deals, { idempotencyKey: options.idempotencyKey, data: deal }, tx);
      return { id: doc.id, name: doc.data.name };
    });
  }

  /**
   * Contacts in the order they last changed. `nextCursor` is null once the end is reached; a
   * sync that wants to resume later keeps the last non-null cursor it saw.
   */
  async listContactsChangedSince(cursor: string | null, pageSize: number): Promise<Page<Contact>> {
    const limit = parseInput(pageSizeInput, pageSize, this.name);
    const after = decodeCursor(cursor, this.name);
    return this.call('listContactsChangedSince', async () => {
      const { docs, next } = await this.store.page(contacts, { orderBy: 'updatedAt', after, limit });
      return { items: docs.map(toContact), nextCursor: next ? encodeCursor(next) : null };
    });
  }
}
