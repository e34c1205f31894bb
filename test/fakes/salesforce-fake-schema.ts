/**
 * The Salesforce fake's org: the objects and fields it has (standard ones plus Junction's
 * custom External ID fields), record ids as Salesforce makes them, and the error type its
 * endpoints answer with as `[{ message, errorCode, fields }]`.
 */

export type SObjectType = 'Account' | 'Contact' | 'Opportunity' | 'OpportunityContactRole';
export const SOBJECT_TYPES: readonly SObjectType[] = ['Account', 'Contact', 'Opportunity', 'OpportunityContactRole'];

export interface FieldDef {
  type: 'id' | 'string' | 'email' | 'datetime' | 'date' | 'currency' | 'boolean' | 'reference' | 'picklist';
  label: string;
  required?: boolean;
  readOnly?: boolean;
  /** External ID, unique (case-insensitive): addressable in sObject Rows by External ID. */
  externalId?: boolean;
  refersTo?: SObjectType;
  values?: readonly string[];
}

const system: Record<string, FieldDef> = {
  Id: { type: 'id', label: 'Record ID', readOnly: true },
  CreatedDate: { type: 'datetime', label: 'Created Date', readOnly: true },
  LastModifiedDate: { type: 'datetime', label: 'Last Modified Date', readOnly: true },
};
const idempotency: FieldDef = { type: 'string', label: 'Junction Idempotency Key', externalId: true };

export const STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
] as const;

export const ORG_SCHEMA: Record<SObjectType, Record<string, FieldDef>> = {
  Account: {
    ...system,
    Name: { type: 'string', label: 'Account Name', required: true },
    Website: { type: 'string', label: 'Website' },
    Junction_Idempotency_Key__c: idempotency,
  },
  Contact: {
    ...system,
    Email: { type: 'email', label: 'Email' },
    FirstName: { type: 'string', label: 'First Name' },
    LastName: { type: 'string', label: 'Last Name', required: true },
    Phone: { type: 'string', label: 'Business Phone' },
    AccountId: { type: 'reference', label: 'Account ID', refersTo: 'Account' },
    Junction_Email__c: { type: 'email', label: 'Junction Email', externalId: true },
  },
  Opportunity: {
    ...system,
    Name: { type: 'string', label: 'Name', required: true },
    Amount: { type: 'currency', label: 'Amount' },
    StageName: { type: 'picklist', label: 'Stage', required: true, values: STAGES },
    CloseDate: { type: 'date', label: 'Close Date', required: true },
    Junction_Idempotency_Key__c: idempotency,
  },
  OpportunityContactRole: {
    ...system,
    OpportunityId: { type: 'reference', label: 'Opportunity ID', required: true, refersTo: 'Opportunity' },
    ContactId: { type: 'reference', label: 'Contact ID', required: true, refersTo: 'Contact' },
    IsPrimary: { type: 'boolean', label: 'Primary' },
    Role: { type: 'string', label: 'Role' },
  },
};

/** Relationship fields SOQL may select: `Account.Name` on Contact follows AccountId. */
export const RELATIONSHIPS: Partial<Record<SObjectType, Record<string, { idField: string; type: SObjectType }>>> = {
  Contact: { Account: { idField: 'AccountId', type: 'Account' } },
};

export const KEY_PREFIXES: Record<SObjectType, string> = {
  Account: '001',
  Contact: '003',
  Opportunity: '006',
  OpportunityContactRole: '00K',
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** An 18-character id: key prefix, pod and counter (sortable), then the case checksum. */
export function recordId(type: SObjectType, counter: number): string {
  let digits = '';
  for (let n = counter; digits.length < 9; n = Math.floor(n / 62)) digits = BASE62[n % 62]! + digits;
  const id15 = `${KEY_PREFIXES[type]}5g0${digits}`;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id15[chunk * 5 + i]!)) bits |= 1 << i;
    suffix += CHECKSUM[bits];
  }
  return id15 + suffix;
}

export class SalesforceFakeError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields: string[] = [],
  ) {
    super(message);
  }

  body(): { message: string; errorCode: string; fields?: string[] }[] {
    return [
      {
        message: this.message,
        errorCode: this.errorCode,
        ...(this.status === 400 || this.fields.length > 0 ? { fields: this.fields } : {}),
      },
    ];
  }
}

/** What a route answers: status, JSON body, extra headers. */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const notFound = () => new SalesforceFakeError(404, 'NOT_FOUND', 'The requested resource does not exist');
