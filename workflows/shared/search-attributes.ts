import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes every process may set. Registered on the dev server by
 * `npm start` (scripts/start-dev-stack.ts) and in tests; on a cluster, by
 * `temporal operator search-attribute create` (docs/operations.md, "Against a Temporal cluster or Cloud").
 */
export const BusinessKey = defineSearchAttributeKey('BusinessKey', SearchAttributeType.KEYWORD);
export const CustomerEmail = defineSearchAttributeKey('CustomerEmail', SearchAttributeType.KEYWORD);
export const OrderTotal = defineSearchAttributeKey('OrderTotal', SearchAttributeType.DOUBLE);
export const ProcessStatus = defineSearchAttributeKey('ProcessStatus', SearchAttributeType.KEYWORD);

/** Name → CLI type, for `temporal server start-dev --search-attribute` and operator commands. */
export const CUSTOM_SEARCH_ATTRIBUTES: Readonly<Record<string, 'Keyword' | 'Double'>> = {
  BusinessKey: 'Keyword',
  CustomerEmail: 'Keyword',
  OrderTotal: 'Double',
  ProcessStatus: 'Keyword',
};

/** WAITING_FOR_APPROVAL: a person must decide before the run goes on (purchaseApproval). */
export type ProcessStatusValue =
  'RUNNING' | 'WAITING_FOR_APPROVAL' | 'COMPENSATING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
