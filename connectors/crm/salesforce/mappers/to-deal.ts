import type { Deal, DealInput, Money } from '../../../spi';
import type { OpportunityRecord, SalesforceFields } from '../salesforce.schemas';

export const OPPORTUNITY_FIELDS = ['Id', 'Name'] as const;

/** Digits after the decimal point of an ISO-4217 currency (EUR 2, JPY 0, KWD 3), from CLDR via Intl. */
function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units → the decimal Salesforce's Currency fields take, built from the digits (no float arithmetic). */
export function toMajorUnits(money: Money): number {
  const digits = minorDigits(money.currency);
  if (digits === 0) return money.amount;
  const text = String(money.amount).padStart(digits + 1, '0');
  return Number(`${text.slice(0, -digits)}.${text.slice(-digits)}`);
}

export interface OpportunityPlacement {
  stageName: string;
  /** `YYYY-MM-DD`. */
  closeDate: string;
  /** Sent in multi-currency orgs only. */
  currencyIsoCode?: string;
}

/** Fields of a new opportunity; the idempotency key's hash goes into the unique external ID field. */
export function opportunityFields(deal: DealInput, placement: OpportunityPlacement, idempotency: { field: string; value: string }): SalesforceFields {
  return {
    Name: deal.name,
    Amount: toMajorUnits(deal.amount),
    StageName: placement.stageName,
    CloseDate: placement.closeDate,
    ...(placement.currencyIsoCode !== undefined ? { CurrencyIsoCode: placement.currencyIsoCode } : {}),
    [idempotency.field]: idempotency.value,
  };
}

export function toDeal(record: OpportunityRecord): Deal {
  return { id: record.Id, name: record.Name ?? '' };
}
