import { expect } from 'chai';
import { AllowList } from '../../connectors/egress/allow-list';
import { businessCentralVendor } from '../../connectors/erp/business-central';
import { sapS4hanaVendor } from '../../connectors/erp/sap-s4hana';
import { stripeVendor } from '../../connectors/payment/stripe';
import { hubspotVendor } from '../../connectors/crm/hubspot';
import { salesforceVendor } from '../../connectors/crm/salesforce';
import { sendgridVendor } from '../../connectors/email/sendgrid';
import { changedDestinations, matchesHostPattern, vendorHostIssues } from '../../connectors/registry/destination-rules';
import { issuePath } from '../../connectors/registry/instance-validation';

const none = new AllowList([]);
const fieldsOf = (issues: { path: (string | number)[] }[]) => issues.map((issue) => issuePath(issue.path));

describe('destination rules of connector definitions', () => {
  it('host patterns: a name matches itself, *.domain every name below the domain and nothing else', () => {
    expect(matchesHostPattern('api.stripe.com', 'api.stripe.com')).to.equal(true);
    expect(matchesHostPattern('API.Stripe.com.', 'api.stripe.com')).to.equal(true);
    expect(matchesHostPattern('api.stripe.com.attacker.example', 'api.stripe.com')).to.equal(false);
    expect(matchesHostPattern('acme--uat.sandbox.my.salesforce.com', '*.salesforce.com')).to.equal(true);
    expect(matchesHostPattern('salesforce.com', '*.salesforce.com')).to.equal(false);
    expect(matchesHostPattern('evilsalesforce.com', '*.salesforce.com')).to.equal(false);
  });

  it('each vendor with known hosts accepts its own https endpoints, defaults included', () => {
    expect(
      vendorHostIssues(stripeVendor, { baseUrl: 'https://api.stripe.com' }, { secretKey: 'sk' }, none),
    ).to.deep.equal([]);
    expect(vendorHostIssues(sendgridVendor, { baseUrl: 'https://api.eu.sendgrid.com' }, {}, none)).to.deep.equal([]);
    expect(
      vendorHostIssues(
        hubspotVendor,
        { baseUrl: 'https://api.hubapi.com' },
        { type: 'oauth2RefreshToken', tokenUrl: 'https://api.hubapi.com/oauth/v1/token' },
        none,
      ),
    ).to.deep.equal([]);
    expect(
      vendorHostIssues(
        salesforceVendor,
        { instanceUrl: 'https://acme.my.salesforce.com' },
        {
          type: 'jwtBearer',
          tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
          audience: 'https://login.salesforce.com',
        },
        none,
      ),
    ).to.deep.equal([]);
    expect(
      vendorHostIssues(
        businessCentralVendor,
        {
          scope: 'https://api.businesscentral.dynamics.com/.default',
          tokenUrl: 'https://login.microsoftonline.com/contoso/oauth2/v2.0/token',
        },
        {},
        none,
      ),
    ).to.deep.equal([]);
  });

  it('names every URL outside the hosts, in settings and credentials, plain http on a vendor host included', () => {
    const issues = vendorHostIssues(
      salesforceVendor,
      { instanceUrl: 'https://acme.my.salesforce.com.attacker.example' },
      { type: 'oauth2ClientCredentials', tokenUrl: 'http://login.salesforce.com/services/oauth2/token' },
      none,
    );
    expect(fieldsOf(issues)).to.deep.equal(['settings.instanceUrl', 'credentials.tokenUrl']);
    expect(issues[0]?.message).to.contain('CONNECTOR_EGRESS_ALLOW');
  });

  it("vendors on their customers' hosts (SAP, Odoo) declare none, so only the connection-time guard applies", () => {
    expect(vendorHostIssues(sapS4hanaVendor, { baseUrl: 'https://s4.corp.example' }, {}, none)).to.deep.equal([]);
  });

  it("an operator's entry naming the URL's host (and port) overrides the vendor's hosts", () => {
    const proxy = AllowList.parse(['stripe-proxy.corp.example:8443'], 'test');
    expect(
      vendorHostIssues(stripeVendor, { baseUrl: 'https://stripe-proxy.corp.example:8443/' }, {}, proxy),
    ).to.deep.equal([]);
    expect(
      fieldsOf(vendorHostIssues(stripeVendor, { baseUrl: 'https://stripe-proxy.corp.example/' }, {}, proxy)),
    ).to.deep.equal(['settings.baseUrl']);
  });

  it("a changed destination is any URL of the settings that differs, appears or disappears, and the vendor's destination settings", () => {
    const before = {
      tenantId: 'contoso.onmicrosoft.com',
      baseUrl: 'https://api.businesscentral.dynamics.com/v2.0/x',
      localCurrency: 'EUR',
    };
    expect(changedDestinations(businessCentralVendor, before, { ...before, localCurrency: 'USD' })).to.deep.equal([]);
    expect(
      changedDestinations(businessCentralVendor, before, { ...before, tenantId: 'attacker.onmicrosoft.com' }),
    ).to.deep.equal(['settings.tenantId']);
    expect(
      changedDestinations(businessCentralVendor, before, {
        ...before,
        baseUrl: 'https://api.businesscentral.dynamics.com/v2.0/y',
      }),
    ).to.deep.equal(['settings.baseUrl']);
    expect(
      changedDestinations(businessCentralVendor, before, {
        ...before,
        tokenUrl: 'https://login.microsoftonline.com/other/oauth2/v2.0/token',
      }),
    ).to.deep.equal(['settings.tokenUrl']);
    const { baseUrl: _dropped, ...withoutBase } = before;
    expect(changedDestinations(businessCentralVendor, before, withoutBase)).to.deep.equal(['settings.baseUrl']);
    const sap = { baseUrl: 'https://s4.corp.example', serviceUrls: { salesOrder: 'https://apim.corp.example/so' } };
    expect(
      changedDestinations(sapS4hanaVendor, sap, {
        ...sap,
        serviceUrls: { salesOrder: 'https://apim.attacker.example/so' },
      }),
    ).to.deep.equal(['settings.serviceUrls.salesOrder']);
  });
});
