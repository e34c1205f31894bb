import { expect } from 'chai';
import { ConnectorError } from '../../connectors/connector-error';
import { describeHubSpotError, hubspotPaceAfter } from '../../connectors/crm/hubspot/hubspot-rate-limits';

const HOUR_MS = 60 * 60 * 1000;

function rateLimited(retryAfterMs?: number): ConnectorError {
  return new ConnectorError('crm.hubspot: HTTP 429 from GET /crm/v3/objects/contacts', {
    code: 'RATE_LIMITED',
    retryable: true,
    status: 429,
    vendorMessage: 'You have reached your limit.',
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

const tooMany = (data: unknown, headers: Record<string, string> = {}) => ({ status: 429, headers, data });

describe('HubSpot rate-limit hooks', () => {
  describe('describeHubSpotError (a 429’s wait by its policy)', () => {
    it('when HubSpot sends Retry-After, then it wins over the policy, and a daily 429 still says so', () => {
      const error = describeHubSpotError(tooMany({ policyName: 'DAILY' }), rateLimited(2_000));
      expect(error).to.include({ code: 'RATE_LIMITED', retryable: true, status: 429, retryAfterMs: 2_000 });
      expect(error.vendorMessage).to.contain('daily API limit is exhausted');
    });

    it('when the policy is TEN_SECONDLY_ROLLING, then the interval header; unreadable or zero, then 10 s', () => {
      const policy = { policyName: 'TEN_SECONDLY_ROLLING' };
      expect(
        describeHubSpotError(tooMany(policy, { 'x-hubspot-ratelimit-interval-milliseconds': '2500' }), rateLimited())
          .retryAfterMs,
      ).to.equal(2_500);
      expect(
        describeHubSpotError(tooMany(policy, { 'x-hubspot-ratelimit-interval-milliseconds': '0' }), rateLimited())
          .retryAfterMs,
      ).to.equal(10_000);
      expect(
        describeHubSpotError(tooMany(policy, { 'x-hubspot-ratelimit-interval-milliseconds': '10s' }), rateLimited())
          .retryAfterMs,
      ).to.equal(10_000);
      expect(describeHubSpotError(tooMany(policy), rateLimited()).retryAfterMs).to.equal(10_000);
    });

    it('when the policy is SECONDLY, then one second whatever the headers; DAILY, then an hour', () => {
      expect(
        describeHubSpotError(
          tooMany({ policyName: 'SECONDLY' }, { 'x-hubspot-ratelimit-interval-milliseconds': '10000' }),
          rateLimited(),
        ).retryAfterMs,
      ).to.equal(1_000);
      expect(describeHubSpotError(tooMany({ policyName: 'DAILY' }), rateLimited())).to.include({
        retryable: true,
        retryAfterMs: HOUR_MS,
      });
    });

    it('when the 429 names no known policy, then the interval header if any, else one 10 s window', () => {
      expect(
        describeHubSpotError(
          tooMany({ policyName: 'SOMETHING_NEW' }, { 'x-hubspot-ratelimit-interval-milliseconds': '4000' }),
          rateLimited(),
        ).retryAfterMs,
      ).to.equal(4_000);
      expect(describeHubSpotError(tooMany('<html>Too Many Requests</html>'), rateLimited()).retryAfterMs).to.equal(
        10_000,
      );
      expect(describeHubSpotError(tooMany(undefined), rateLimited()).retryAfterMs).to.equal(10_000);
    });

    it('when the status is not 429, then the shared classification stands as it is', () => {
      const classified = new ConnectorError('crm.hubspot: HTTP 400', {
        code: 'INVALID_REQUEST',
        status: 400,
        vendorMessage: 'Property values were not valid',
      });
      expect(describeHubSpotError({ status: 400, headers: {}, data: { policyName: 'DAILY' } }, classified)).to.equal(
        classified,
      );
    });
  });

  describe('hubspotPaceAfter (holding off when a budget is empty)', () => {
    const burst = { 'x-hubspot-ratelimit-max': '190', 'x-hubspot-ratelimit-interval-milliseconds': '10000' };

    it('when budget is left, then no hold-off', () => {
      expect(
        hubspotPaceAfter({
          headers: { ...burst, 'x-hubspot-ratelimit-remaining': '1', 'x-hubspot-ratelimit-daily-remaining': '500' },
        }),
      ).to.equal(undefined);
      // OAuth apps have no daily limit and get no Daily headers; some responses carry none at all.
      expect(hubspotPaceAfter({ headers: {} })).to.equal(undefined);
    });

    it('when the burst budget is empty, then one interval', () => {
      const decision = hubspotPaceAfter({ headers: { ...burst, 'x-hubspot-ratelimit-remaining': '0' } });
      expect(decision?.waitMs).to.equal(10_000);
      expect(decision?.reason).to.contain('190');
    });

    it('when the per-second budget is empty, then one second', () => {
      expect(
        hubspotPaceAfter({
          headers: { 'x-hubspot-ratelimit-secondly': '10', 'x-hubspot-ratelimit-secondly-remaining': '0' },
        })?.waitMs,
      ).to.equal(1_000);
    });

    it('when both the daily and the burst budget are empty, then the longer, daily hold-off', () => {
      const decision = hubspotPaceAfter({
        headers: { ...burst, 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-daily-remaining': '0' },
      });
      expect(decision?.waitMs).to.equal(HOUR_MS);
      expect(decision?.reason).to.contain('daily API limit is exhausted');
    });
  });
});
