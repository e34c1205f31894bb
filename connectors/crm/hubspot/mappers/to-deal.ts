import { minorToDecimal } from '../../../money';
import type { Deal, DealInput } from '../../../spi';
import type { HubSpotObject } from '../hubspot.schemas';

export const DEAL_PROPERTIES = ['dealname', 'amount', 'deal_currency_code'] as const;

export interface DealPlacement {
  pipeline: string;
  dealstage: string;
}

/** Properties of a new deal; the idempotency key goes into the portal's unique property. */
export function dealProperties(
  deal: DealInput,
  placement: DealPlacement,
  idempotency: { property: string; key: string },
): Record<string, string> {
  return {
    dealname: deal.name,
    amount: minorToDecimal(deal.amount.amount, deal.amount.currency),
    deal_currency_code: deal.amount.currency,
    pipeline: placement.pipeline,
    dealstage: placement.dealstage,
    [idempotency.property]: idempotency.key,
  };
}

export function toDeal(record: HubSpotObject): Deal {
  return { id: record.id, name: record.properties.dealname ?? '' };
}
