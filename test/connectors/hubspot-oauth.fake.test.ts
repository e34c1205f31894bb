import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { loadConfig } from '../../config';
import { ConnectorRegistry, type RegistryDeps } from '../../connectors/registry';
import { hubspotVendor } from '../../connectors/crm/hubspot';
import { HubSpotFake } from '../fakes/hubspot-fake';
import { FakeOAuthTokenServer } from '../fakes/oauth-token-server';

describe('HubSpot public app: OAuth2 refresh-token credentials through the registry', function () {
  this.timeout(20_000);
  let oauth: FakeOAuthTokenServer;
  let hubspot: HubSpotFake;
  let registry: ConnectorRegistry;

  before(async () => {
    oauth = await new FakeOAuthTokenServer({ clients: { 'hubspot-app': 'app-secret' } }).start();
    hubspot = await HubSpotFake.start({ acceptToken: (token) => oauth.isValid(token) });
    registry = new ConnectorRegistry({
      config: loadConfig({ LOG_LEVEL: 'error' }, false),
    } as RegistryDeps).registerVendor(hubspotVendor);
    registry.defineInstance('crm.hubspot-public', {
      kind: 'crm',
      vendor: 'hubspot',
      settings: { baseUrl: hubspot.url },
      credentials: () => ({
        type: 'oauth2RefreshToken',
        tokenUrl: oauth.tokenUrl,
        clientId: 'hubspot-app',
        clientSecret: 'app-secret',
        refreshToken: oauth.grantRefreshToken(),
      }),
    });
  });

  after(async () => {
    await registry?.close();
    await hubspot?.close();
    await oauth?.close();
  });

  it('when the instance holds a refresh token, then calls carry a fetched access token, renewed after the vendor revokes it', async () => {
    const crm = registry.resolve('crm', 'crm.hubspot-public');
    const email = `oauth-${randomBytes(4).toString('hex')}@shop.example`;
    const contact = await crm.upsertContact({ email, firstName: 'Ada' }, { idempotencyKey: `k-${email}` });
    expect(contact.email).to.equal(email);
    expect(oauth.issued).to.have.length(1);

    oauth.revokeAccessTokens();
    expect((await crm.findContactByEmail(email))?.id).to.equal(contact.id);
    expect(oauth.issued).to.have.length(2);
  });

  it('when the credentials are neither a token nor a refresh-token flow, then the instance is refused', () => {
    registry.defineInstance('crm.hubspot-bad', {
      kind: 'crm',
      vendor: 'hubspot',
      settings: { baseUrl: hubspot.url },
      credentials: () => ({ type: 'basic', username: 'u', password: 'p' }),
    });
    expect(() => registry.resolve('crm', 'crm.hubspot-bad')).to.throw(/could not be created|credentials/);
  });
});
