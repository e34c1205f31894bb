/**
 * The HubSpot CRM connector (CRM v3 objects API). Idempotency, per operation:
 * - upsertContact: batch upsert keyed by email (`idProperty: 'email'`), idempotent by nature.
 * - upsertCompany, createDeal: lookup-before-write on the portal's unique idempotency property
 *   (settings.idempotencyProperty), read by `?idProperty=` — a direct read that does not lag
 *   writes as search does. A concurrent duplicate create is refused by HubSpot (409, unique
 *   value) and answered with the record that won.
 * Companies are matched by domain (else by exact name) through search, as HubSpot deduplicates them.
 */
import { ConnectorError, isConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import { createHttpClient, type AuthInjector } from '../../http';
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
import { HubSpotClient } from './hubspot.client';
import {
  contactsPageRequest,
  decodeContactsCursor,
  encodeContactsCursor,
  nextContactsCursor,
} from './hubspot-contacts-cursor';
import { hubspotManifest } from './hubspot.manifest';
import { describeHubSpotError, hubspotPacing } from './hubspot-rate-limits';
import type { HubSpotObject } from './hubspot.schemas';
import type { HubSpotSettings } from './hubspot.settings';
import { COMPANY_PROPERTIES, companyProperties, toAccount } from './mappers/to-account';
import { CONTACT_PROPERTIES, contactProperties, toContact } from './mappers/to-contact';
import { DEAL_PROPERTIES, dealProperties, toDeal } from './mappers/to-deal';
import { resilienceOptions } from '../../http/resilience-settings';

/** HubSpot record ids are numeric; anything else cannot exist there. */
function isObjectId(id: string): boolean {
  return /^\d{1,20}$/.test(id);
}

export class HubSpotCrmConnector implements CrmConnector {
  readonly kind = 'crm';
  readonly vendor = hubspotManifest.vendor;
  readonly unsupported: readonly CrmOperation[] = [];
  private readonly client: HubSpotClient;

  constructor(
    readonly name: string,
    private readonly options: HubSpotSettings,
    auth: AuthInjector,
  ) {
    const http = createHttpClient({
      connector: name,
      baseURL: options.baseUrl,
      timeoutMs: options.timeoutMs,
      auth,
      describeError: describeHubSpotError,
      pace: hubspotPacing,
      ...resilienceOptions(options),
    });
    this.client = new HubSpotClient(http, name);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  async healthCheck(): Promise<void> {
    await this.client.listFirst('contacts');
  }

  async upsertContact(input: ContactInput, options: WriteOptions): Promise<Contact> {
    const contact = parseInput(contactInput, input, this.name);
    this.keyOf(options);
    const [record] = await this.client.batchUpsert('contacts', [
      { idProperty: hubspotManifest.contactIdProperty, id: contact.email, properties: contactProperties(contact) },
    ]);
    if (record === undefined) throw this.unexpected('an upsert without a result');
    // The upsert answers with the properties it was sent; the merged contact is read back when fields are missing.
    const complete = CONTACT_PROPERTIES.every((property) => property in record.properties);
    return this.contactOf(
      complete ? record : await this.client.get('contacts', record.id, { properties: CONTACT_PROPERTIES }),
    );
  }

  /** A direct read by email (`?idProperty=email`): unlike search, it sees a contact upserted a moment ago. */
  async findContactByEmail(email: string): Promise<Contact | null> {
    if (email.trim() === '') return null;
    const record = await this.client.get('contacts', email.trim().toLowerCase(), {
      idProperty: hubspotManifest.contactIdProperty,
      properties: CONTACT_PROPERTIES,
    });
    return record === null ? null : this.contactOf(record);
  }

  async getAccount(id: string): Promise<Account | null> {
    if (!isObjectId(id)) return null;
    const record = await this.client.get('companies', id, { properties: COMPANY_PROPERTIES });
    return record === null ? null : toAccount(record);
  }

  async upsertCompany(input: CompanyInput, options: WriteOptions): Promise<Account> {
    const company = parseInput(companyInput, input, this.name);
    const key = this.keyOf(options);
    const existing =
      (await this.byIdempotencyKey('companies', key, COMPANY_PROPERTIES)) ?? (await this.findCompany(company));
    if (existing !== null) {
      const updated = await this.client.update('companies', existing.id, companyProperties(company));
      return toAccount({ ...updated, properties: { ...existing.properties, ...updated.properties } });
    }
    const created = await this.createOnce('companies', key, COMPANY_PROPERTIES, {
      properties: { ...companyProperties(company), [this.options.idempotencyProperty]: key },
    });
    return toAccount(created);
  }

  async createDeal(input: DealInput, options: WriteOptions): Promise<Deal> {
    const deal = parseInput(dealInput, input, this.name);
    const key = this.keyOf(options);
    const existing = await this.byIdempotencyKey('deals', key, DEAL_PROPERTIES);
    if (existing !== null) return toDeal(existing);
    if (
      !isObjectId(deal.contactId) ||
      (await this.client.get('contacts', deal.contactId, { properties: ['email'] })) === null
    ) {
      throw new ConnectorError(`${this.name}: contact not found`, {
        code: ConnectorErrorCode.NotFound,
        status: 404,
        vendorMessage: `No such contact: ${deal.contactId}`,
      });
    }
    const placement = { pipeline: this.options.dealPipeline, dealstage: this.options.dealStage };
    const created = await this.createOnce('deals', key, DEAL_PROPERTIES, {
      properties: dealProperties(deal, placement, { property: this.options.idempotencyProperty, key }),
      associations: [
        {
          to: { id: deal.contactId },
          types: [
            {
              associationCategory: 'HUBSPOT_DEFINED',
              associationTypeId: hubspotManifest.associationTypes.dealToContact,
            },
          ],
        },
      ],
    });
    return toDeal(created);
  }

  /**
   * Contacts in the order they last changed (see hubspot-contacts-cursor.ts for the checkpoint
   * strategy). Pages hold at most 100 contacts (HubSpot's search limit we keep to); contacts
   * without an email are skipped. `nextCursor` is null once the end is reached.
   */
  async listContactsChangedSince(cursor: string | null, pageSize: number): Promise<Page<Contact>> {
    const limit = Math.min(parseInput(pageSizeInput, pageSize, this.name), hubspotManifest.search.maxPageSize);
    const previous = decodeContactsCursor(cursor, this.name);
    const response = await this.client.search('contacts', contactsPageRequest(previous, limit));
    const items = response.results.map(toContact).filter((contact): contact is Contact => contact !== null);
    const next = nextContactsCursor(previous, response);
    return { items, nextCursor: next === null ? null : encodeContactsCursor(next) };
  }

  private keyOf(options: WriteOptions): string {
    return parseInput(idempotencyKeyInput, options?.idempotencyKey, this.name);
  }

  private contactOf(record: HubSpotObject | null): Contact {
    const contact = record === null ? null : toContact(record);
    if (contact === null)
      throw this.unexpected(record === null ? 'no contact after the upsert' : 'a contact without email');
    return contact;
  }

  private unexpected(what: string): ConnectorError {
    return new ConnectorError(`${this.name}: HubSpot returned ${what}`, { code: ConnectorErrorCode.VendorUnavailable });
  }

  private byIdempotencyKey(
    type: 'companies' | 'deals',
    key: string,
    properties: readonly string[],
  ): Promise<HubSpotObject | null> {
    return this.client.get(type, key, { idProperty: this.options.idempotencyProperty, properties });
  }

  /** Creates; when a concurrent attempt with the same key won (409 on the unique property), returns its record. */
  private async createOnce(
    type: 'companies' | 'deals',
    key: string,
    properties: readonly string[],
    request: Parameters<HubSpotClient['create']>[1],
  ): Promise<HubSpotObject> {
    try {
      return await this.client.create(type, request);
    } catch (error) {
      if (!isConnectorError(error) || error.code !== ConnectorErrorCode.Conflict) throw error;
      const winner = await this.byIdempotencyKey(type, key, properties);
      if (winner === null) throw error;
      return winner;
    }
  }

  private async findCompany(company: { name: string; domain?: string | undefined }): Promise<HubSpotObject | null> {
    const filter =
      company.domain !== undefined
        ? { propertyName: 'domain', value: company.domain }
        : { propertyName: 'name', value: company.name };
    const response = await this.client.search('companies', {
      filterGroups: [{ filters: [{ ...filter, operator: 'EQ' }] }],
      sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }],
      properties: [...COMPANY_PROPERTIES],
      limit: 1,
    });
    return response.results[0] ?? null;
  }
}
