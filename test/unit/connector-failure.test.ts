import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import { callConnector } from '../../activities/connector-failure';
import { ConnectorError } from '../../connectors/connector-error';

async function failureOf(error: unknown): Promise<unknown> {
  return callConnector(() => Promise.reject(error)).then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

describe('connector errors become Temporal failures (activities/connector-failure)', () => {
  it('when a vendor refuses for a business reason, then the failure is non-retryable and carries the code as its type', async () => {
    const failure = await failureOf(
      new ConnectorError('payment.main: payment declined', {
        code: 'PAYMENT_DECLINED',
        vendorMessage: 'Your card was declined.',
        status: 402,
      }),
    );
    expect(failure).to.be.instanceOf(ApplicationFailure);
    const app = failure as ApplicationFailure;
    expect(app.type).to.equal('PAYMENT_DECLINED');
    expect(app.nonRetryable).to.equal(true);
    expect(app.message).to.equal('payment.main: payment declined: Your card was declined.');
    expect(app.details).to.deep.equal([
      { code: 'PAYMENT_DECLINED', retryable: false, status: 402, vendorMessage: 'Your card was declined.' },
    ]);
  });

  it('when a vendor rate-limits with Retry-After, then the failure retries after that delay', async () => {
    const app = (await failureOf(
      new ConnectorError('crm.main: rate limited', { code: 'RATE_LIMITED', status: 429, retryAfterMs: 7_000 }),
    )) as ApplicationFailure;
    expect(app.nonRetryable).to.equal(false);
    expect(app.nextRetryDelay).to.equal(7_000);
  });

  it('when a vendor is unavailable without Retry-After, then the retry policy decides the delay', async () => {
    const app = (await failureOf(
      new ConnectorError('erp.main: 503', { code: 'VENDOR_UNAVAILABLE', status: 503 }),
    )) as ApplicationFailure;
    expect(app.nonRetryable).to.equal(false);
    expect(app.nextRetryDelay).to.equal(undefined);
  });

  it('when a validation or auth error occurs, then it is never retried', async () => {
    for (const code of [
      'INVALID_REQUEST',
      'UNAUTHORIZED',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'OUT_OF_STOCK',
    ] as const) {
      const app = (await failureOf(new ConnectorError(`x: ${code}`, { code }))) as ApplicationFailure;
      expect(app.nonRetryable, code).to.equal(true);
    }
  });

  it('when the error is not a ConnectorError, then it propagates unchanged (and retries)', async () => {
    const bug = new TypeError('undefined is not a function');
    expect(await failureOf(bug)).to.equal(bug);
  });

  it('when the call succeeds, then its value is returned', async () => {
    expect(await callConnector(() => Promise.resolve(42))).to.equal(42);
  });
});
