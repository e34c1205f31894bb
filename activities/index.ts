import type { ConnectorResolver } from '../connectors/spi';
import { createCrmActivities } from './crm.activities';
import { createEmailActivities } from './email.activities';
import { createErpActivities } from './erp.activities';
import { createPaymentActivities } from './payment.activities';

export interface ActivityDeps {
  connectors: ConnectorResolver;
}

/** Every activity the worker registers; workflows proxy `Activities` as a type only. */
export function createActivities({ connectors }: ActivityDeps) {
  return {
    ...createCrmActivities(connectors),
    ...createErpActivities(connectors),
    ...createPaymentActivities(connectors),
    ...createEmailActivities(connectors),
  };
}

export type Activities = ReturnType<typeof createActivities>;
