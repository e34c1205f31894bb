import { minorToMajor } from '../../../money';
import type { Deal, DealInput } from '../../../spi';
import type { OpportunityRecord, SalesforceFields } from '../salesforce.schemas';

export const OPPORTUNITY_FIELDS = ['Id', 'Name'] as const;

export interface OpportunityPlacement {
  stageName: string;
  /** `YYYY-MM-DD`. */
  closeDate: string;
  /** Sent in multi-currency orgs only. */
  currencyIsoCode?: string;
}

/** Fields of a new opportunity; the idempotency key's hash goes into the unique external ID field. */
export function opportunityFields(
  deal: DealInput,
  placement: OpportunityPlacement,
  idempotency: { field: string; value: string },
): SalesforceFields {
  return {
    Name: deal.name,
    Amount: minorToMajor(deal.amount.amount, deal.amount.currency),
    StageName: placement.stageName,
    CloseDate: placement.closeDate,
    ...(placement.currencyIsoCode !== undefined ? { CurrencyIsoCode: placement.currencyIsoCode } : {}),
    [idempotency.field]: idempotency.value,
  };
}

export function toDeal(record: OpportunityRecord): Deal {
  return { id: record.Id, name: record.Name ?? '' };
}
