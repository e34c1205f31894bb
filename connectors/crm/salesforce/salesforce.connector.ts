/**
 * The Salesforce CRM connector (REST API). Idempotency, per operation:
 * - upsertContact: the contact with that Email (SOQL, oldest first) is updated by Id, so
 *   contacts people created in Salesforce are found; otherwise the contact is created by upsert
 *   on the External ID field `contactExternalIdField` (the lower-cased email), so a replay or a
 *   concurrent create updates that one record instead of adding a second. Its company becomes
 *   the linked Account (found by Name, else created, idempotent by the name).
 * - upsertCompany: the Account matched by domain (Website), else by exact Name, is updated;
 *   otherwise it is created by upsert on `idempotencyField` = SHA-256 of the idempotency key.
 * - createDeal: the Opportunity holding the key's hash is returned when it exists; otherwise
 *   Opportunity and OpportunityContactRole are created in one allOrNone composite call. The
 *   Opportunity is POSTed, not upserted: a concurrent replay is refused (DUPLICATE_VALUE on the
 *   unique field) and answered with the winner, where an upsert would add a second contact role.
 * Keys are hashed because keys may be up to 1,000 characters of any kind and an External ID
 * text field holds 255, and a hash is safe in URLs.
 */
import { createHash } from 'node:crypto';
import { ConnectorErrorCode } from '../../connector-error-codes';
import { ConnectorError } from '../../connector-error';
import type { AuthInjector } from '../../http';
import { companyInput, contactInput, dealInput, idempotencyKeyInput, pageSizeInput, parseInput } from '../../inputs';
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
} from '../../spi';
import { SalesforceClient } from './salesforce.client';
import {
  batchSizeFor,
  contactsPage,
  contactsQuery,
  decodeContactsCursor,
  encodeContactsCursor,
  type ContactsCursor,
} from './salesforce-contacts-cursor';
import { invalidInput, isSalesforceError } from './salesforce-errors';
import { salesforceManifest } from './salesforce.manifest';
import {
  accountRecord,
  contactRecord,
  idRecord,
  opportunityRecord,
  saveResult,
  type AccountRecord,
  type ContactRecord,
  type QueryResult,
  type SalesforceFields,
} from './salesforce.schemas';
import type { SalesforceSettings } from './salesforce.settings';
import { ACCOUNT_FIELDS, accountFields, toAccount, websiteCandidates } from './mappers/to-account';
import { CONTACT_FIELDS, contactFields, toContact } from './mappers/to-contact';
import { OPPORTUNITY_FIELDS, opportunityFields, toDeal } from './mappers/to-deal';
import { isSalesforceId, soqlId, soqlList, soqlSelect, soqlString, SoqlValueError } from './soql';
import { createHttpClient } from '../../http';
import { redactPath, salesforceError } from './salesforce-errors';
import { resilienceOptions } from '../../http/resilience-settings';

const DAY_MS = 86_400_000;

/** What goes into the idempotency field: fixed length, URL-safe, case-free. */
export function idempotencyValue(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export class SalesforceCrmConnector implements CrmConnector {
  readonly kind = 'crm';
  readonly vendor = salesforceManifest.vendor;
  readonly unsupported: readonly CrmOperation[] = [];
  private readonly client: SalesforceClient;

  constructor(
    readonly name: string,
    private readonly options: SalesforceSettings,
    auth: AuthInjector,
  ) {
    const http = createHttpClient({
      connector: name,
      baseURL: options.instanceUrl,
      timeoutMs: options.timeoutMs,
      auth,
      // Salesforce says what went wrong only in the body's errorCode (403 is both "no permission" and "API limit reached").
      describeError: salesforceError,
      redactPath,
      ...resilienceOptions(options),
    });
    this.client = new SalesforceClient(http, name, options.apiVersion);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  async healthCheck(): Promise<void> {
    await this.client.query(idRecord, soqlSelect({ fields: ['Id'], from: 'Contact', limit: 1 }));
  }

  async upsertContact(input: ContactInput, options: WriteOptions): Promise<Contact> {
    const contact = parseInput(contactInput, input, this.name);
    this.keyOf(options); // Validated for the contract; the email is the natural key here.
    const accountId = contact.company === undefined ? undefined : await this.accountIdFor(contact.company);
    const fields = contactFields(contact, accountId);
    const existing = await this.contactWhere(`Email = ${this.literal(() => soqlString(contact.email))}`);
    const id = existing?.Id ?? (await this.createContact(contact.email, fields));
    if (existing !== null) await this.client.update('Contact', existing.Id, fields);
    return this.contactOf(await this.contactWhere(`Id = ${soqlId(id)}`));
  }

  async findContactByEmail(email: string): Promise<Contact | null> {
    const address = email.trim().toLowerCase();
    if (address === '') return null;
    const record = await this.contactWhere(`Email = ${this.literal(() => soqlString(address))}`);
    return record === null ? null : toContact(record);
  }

  async getAccount(id: string): Promise<Account | null> {
    // Not an Account id: nothing to find, and nothing but an id ever goes into the path.
    if (!isSalesforceId(id) || !id.startsWith(salesforceManifest.idPrefixes.Account)) return null;
    const record = await this.client.get(accountRecord, 'Account', ACCOUNT_FIELDS, { id });
    return record === null ? null : toAccount(record);
  }

  async upsertCompany(input: CompanyInput, options: WriteOptions): Promise<Account> {
    const company = parseInput(companyInput, input, this.name);
    const key = idempotencyValue(this.keyOf(options));
    const fields = accountFields(company);
    const existing = await this.findAccount(company);
    if (existing !== null) {
      await this.client.update('Account', existing.Id, fields);
      return toAccount({ ...existing, Name: company.name, Website: company.domain ?? existing.Website ?? null });
    }
    const { id } = await this.client.upsert('Account', this.options.idempotencyField, key, fields);
    return toAccount({ Id: id, Name: company.name, Website: company.domain ?? null });
  }

  async createDeal(input: DealInput, options: WriteOptions): Promise<Deal> {
    const deal = parseInput(dealInput, input, this.name);
    const key = idempotencyValue(this.keyOf(options));
    const { multiCurrency, corporateCurrency, idempotencyField: field } = this.options;
    if (!multiCurrency && deal.amount.currency !== corporateCurrency) {
      throw invalidInput(
        this.name,
        `amount.currency: this org is single-currency (${corporateCurrency}), got ${deal.amount.currency}`,
      );
    }
    if (!isSalesforceId(deal.contactId) || !deal.contactId.startsWith(salesforceManifest.idPrefixes.Contact)) {
      throw new ConnectorError(`${this.name}: contact not found`, {
        code: ConnectorErrorCode.NotFound,
        status: 404,
        vendorMessage: `No such contact: ${deal.contactId}`,
      });
    }
    const byKey = () => this.client.get(opportunityRecord, 'Opportunity', OPPORTUNITY_FIELDS, { field, value: key });
    const existing = await byKey();
    if (existing !== null) return toDeal(existing);
    const placement = {
      stageName: this.options.opportunityStage,
      closeDate: new Date(Date.now() + this.options.closeDateDays * DAY_MS).toISOString().slice(0, 10),
      ...(multiCurrency ? { currencyIsoCode: deal.amount.currency } : {}),
    };
    try {
      const response = await this.client.composite({
        allOrNone: true,
        compositeRequest: [
          {
            method: 'POST',
            url: this.client.path('Opportunity'),
            referenceId: 'opportunity',
            body: opportunityFields(deal, placement, { field, value: key }),
          },
          {
            method: 'POST',
            url: this.client.path('OpportunityContactRole'),
            referenceId: 'contactRole',
            body: { OpportunityId: '@{opportunity.id}', ContactId: deal.contactId, IsPrimary: true },
          },
        ],
      });
      return {
        id: this.client.parse(saveResult, response.compositeResponse[0]?.body, 'create Opportunity').id,
        name: deal.name,
      };
    } catch (error) {
      // A concurrent attempt with the same key won: the unique field refused the second one.
      if (!isSalesforceError(error, 'DUPLICATE_VALUE')) throw error;
      const winner = await byKey();
      if (winner === null) throw error;
      return toDeal(winner);
    }
  }

  async listContactsChangedSince(cursor: string | null, pageSize: number): Promise<Page<Contact>> {
    const size = parseInput(pageSizeInput, pageSize, this.name);
    const previous = decodeContactsCursor(cursor, this.name);
    const { records, next } = contactsPage(await this.readContacts(previous, size), size, previous);
    const items = records.map(toContact).filter((contact): contact is Contact => contact !== null);
    return { items, nextCursor: next === null ? null : encodeContactsCursor(next) };
  }

  private async readContacts(previous: ContactsCursor | null, size: number): Promise<QueryResult<ContactRecord>> {
    if (previous?.l !== undefined) {
      try {
        return await this.client.queryMore(contactRecord, previous.l);
      } catch (error) {
        // The locator expired (about 15 idle minutes): go on from the checkpoint instead.
        if (!isSalesforceError(error, 'INVALID_QUERY_LOCATOR')) throw error;
      }
    }
    return this.client.query(contactRecord, contactsQuery(previous), batchSizeFor(size));
  }

  private keyOf(options: WriteOptions): string {
    return parseInput(idempotencyKeyInput, options?.idempotencyKey, this.name);
  }

  /** A value's SOQL literal; a value SOQL cannot carry is the caller's invalid input. */
  private literal(build: () => string): string {
    try {
      return build();
    } catch (error) {
      if (error instanceof SoqlValueError) throw invalidInput(this.name, error.message);
      throw error;
    }
  }

  private async contactWhere(where: string): Promise<ContactRecord | null> {
    const soql = soqlSelect({ fields: CONTACT_FIELDS, from: 'Contact', where, orderBy: 'CreatedDate, Id', limit: 1 });
    return (await this.client.query(contactRecord, soql)).records[0] ?? null;
  }

  private contactOf(record: ContactRecord | null): Contact {
    const contact = record === null ? null : toContact(record);
    if (contact === null)
      throw new ConnectorError(`${this.name}: Salesforce returned no contact with an email`, {
        code: ConnectorErrorCode.VendorUnavailable,
      });
    return contact;
  }

  /** Creates by upsert on the email's External ID; a contact without LastName gets the placeholder Salesforce requires. */
  private async createContact(email: string, fields: SalesforceFields): Promise<string> {
    const upsert = (body: SalesforceFields) =>
      this.client.upsert('Contact', this.options.contactExternalIdField, email, body);
    try {
      return (await upsert(fields)).id;
    } catch (error) {
      const lastNameMissing = isSalesforceError(error, 'REQUIRED_FIELD_MISSING') && error.fields.includes('LastName');
      if (!lastNameMissing || fields.LastName !== undefined) throw error;
      return (await upsert({ ...fields, LastName: this.options.missingLastName })).id;
    }
  }

  private async findAccount(company: { name: string; domain?: string | undefined }): Promise<AccountRecord | null> {
    const find = async (where: string) =>
      (
        await this.client.query(
          accountRecord,
          soqlSelect({ fields: ACCOUNT_FIELDS, from: 'Account', where, orderBy: 'CreatedDate, Id', limit: 1 }),
        )
      ).records[0] ?? null;
    const byDomain =
      company.domain === undefined
        ? null
        : await find(`Website IN ${this.literal(() => soqlList(websiteCandidates(company.domain!)))}`);
    return byDomain ?? (await find(`Name = ${this.literal(() => soqlString(company.name))}`));
  }

  /** The Account a contact's company names: found by Name, else created once per name. */
  private async accountIdFor(name: string): Promise<string> {
    const existing = await this.findAccount({ name });
    if (existing !== null) return existing.Id;
    const key = idempotencyValue(`account-name:${name.toLowerCase()}`);
    return (await this.client.upsert('Account', this.options.idempotencyField, key, { Name: name })).id;
  }
}
