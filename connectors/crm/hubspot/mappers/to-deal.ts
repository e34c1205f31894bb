import type { Deal, DealInput, Money } from '../../../spi';
import type { HubSpotObject } from '../hubspot.schemas';

export const DEAL_PROPERTIES = ['dealname', 'amount', 'deal_currency_code'] as const;

/** Digits after the decimal point of an ISO-4217 currency (EUR 2, JPY 0, KWD 3), from CLDR via Intl. */
function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units → HubSpot's decimal string in major units, exact (no float arithmetic). */
export function toMajorUnits(money: Money): string {
  const digits = minorDigits(money.currency);
  if (digits === 0) return String(money.amount);
  const text = String(money.amount).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

export interface DealPlacement {
  pipeline: string;
  dealstage: string;
}

/** Properties of a new deal; the idempotency key goes into the portal's unique property. */
export function dealProperties(deal: DealInput, placement: DealPlacement, idempotency: { property: string; key: string }): Record<string, string> {
  return {
    dealname: deal.name,
    amount: toMajorUnits(deal.amount),
    deal_currency_code: deal.amount.currency,
    pipeline: placement.pipeline,
    dealstage: placement.dealstage,
    [idempotency.property]: idempotency.key,
  };
}

export function toDeal(record: HubSpotObject): Deal {
  return { id: record.id, name: record.properties.dealname ?? '' };
}
