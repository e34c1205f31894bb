import { salesforceVendor } from '../../connectors/crm/salesforce';
import type { CrmConnector } from '../../connectors/spi';
import type { SalesforceFake } from '../fakes/salesforce-fake';

/** Client-credentials credentials the fake's token endpoint accepts. */
export function clientCredentials(fake: SalesforceFake): Record<string, unknown> {
  return {
    type: 'oauth2ClientCredentials',
    tokenUrl: fake.tokenUrl,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
  };
}

/** A connector built the way the registry builds it, pointed at the fake. */
export function salesforceConnectorFor(
  fake: SalesforceFake,
  credentials = clientCredentials(fake),
  settings: Record<string, unknown> = {},
): CrmConnector {
  const instance = {
    name: 'crm.salesforce-test',
    settings: { instanceUrl: fake.url, timeoutMs: 5_000, ...settings },
    credentials,
  };
  return salesforceVendor.create(instance, {} as Parameters<typeof salesforceVendor.create>[1]) as CrmConnector;
}
