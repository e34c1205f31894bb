import { expect } from 'chai';
import { retryDelayMs } from '../../server/intake/retry-backoff';

describe('intake retry backoff', () => {
  const backoff = { baseMs: 1_000, maxMs: 60_000 };

  it('doubles per attempt with equal jitter: between half and all of base·2^(attempt-1)', () => {
    expect(retryDelayMs(1, backoff, () => 0)).to.equal(500);
    expect(retryDelayMs(1, backoff, () => 0.999999)).to.equal(1_000);
    expect(retryDelayMs(2, backoff, () => 0)).to.equal(1_000);
    expect(retryDelayMs(4, backoff, () => 0.5)).to.equal(6_000);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(retryDelayMs(7, backoff, () => 0.999999)).to.equal(60_000);
    expect(retryDelayMs(500, backoff, () => 0.999999)).to.equal(60_000);
    expect(retryDelayMs(500, backoff, () => 0)).to.equal(30_000);
  });

  it('spreads events that failed together: 1000 draws at attempt 5 cover the whole jitter range', () => {
    const delays = Array.from({ length: 1_000 }, () => retryDelayMs(5, backoff));
    expect(Math.min(...delays)).to.be.within(8_000, 8_800);
    expect(Math.max(...delays)).to.be.within(15_200, 16_000);
    expect(new Set(delays).size).to.be.greaterThan(500);
  });
});
