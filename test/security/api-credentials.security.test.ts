/**
 * Security model, credentials and requests (issue 10, item 5): an Idempotency-Key is bound to the
 * request it was first used with; a per-address budget runs before any credential is looked up;
 * keys get a default lifetime and may be issued to a person.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { expect } from 'chai';
import { orderWorkflowId } from '../../workflows/order-to-cash/order-to-cash.types';
import { call, expectProblem, keyedCall } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { newOrderInput, uniqueId } from '../support/order-fixtures';

const DAY_MS = 86_400_000;

describe('security: idempotency keys, address budget and key lifetime through the API', function () {
  this.timeout(120_000);
  let stack: ApiStack;
  let shopKey: string;
  let otherShopKey: string;
  let adminKey: string;
  const api = keyedCall(
    () => stack.api.url,
    () => shopKey,
  );

  before(async () => {
    // No worker: a started run stays RUNNING, which is all these requests need.
    stack = await startApiStack({ label: 'sec_credentials', worker: false });
    shopKey = await stack.createKey('shop', ['runs:read', 'runs:write']);
    otherShopKey = await stack.createKey('other-shop', ['runs:read', 'runs:write']);
    adminKey = await stack.createKey('ops', ['admin']);
  });

  after(async () => {
    await stack?.close();
  });

  async function runExists(workflowId: string): Promise<boolean> {
    try {
      await stack.temporal.workflow.getHandle(workflowId).describe();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  describe('Idempotency-Key on POST /v1/runs', () => {
    it('when the same key comes with the same request, then the first run is answered and nothing else starts', async () => {
      const key = uniqueId('idem');
      const input = newOrderInput();
      const first = await api('POST', '/v1/runs', {
        body: { type: 'orderToCash', input },
        headers: { 'Idempotency-Key': key },
      });
      expect(first.status, first.text).to.equal(202);
      // The same request with its fields in another order is the same request.
      const reordered = { input: { ...input, payment: input.payment, orderId: input.orderId }, type: 'orderToCash' };
      const second = await api('POST', '/v1/runs', { body: reordered, headers: { 'Idempotency-Key': key } });
      expect(second.status, second.text).to.equal(202);
      expect(second.body).to.include({ workflowId: first.body.workflowId, runId: first.body.runId, existing: true });
    });

    it('when the same key comes with a different body, then 422 idempotency-key-reused and the second order is never started', async () => {
      const key = uniqueId('idem');
      const first = await api('POST', '/v1/runs', {
        body: { type: 'orderToCash', input: newOrderInput() },
        headers: { 'Idempotency-Key': key },
      });
      expect(first.status, first.text).to.equal(202);
      const otherOrder = newOrderInput();
      const reused = await api('POST', '/v1/runs', {
        body: { type: 'orderToCash', input: otherOrder },
        headers: { 'Idempotency-Key': key },
      });
      expectProblem(reused, 422, 'idempotency-key-reused');
      expect(reused.body.detail).to.match(/different request/);
      expect(await runExists(orderWorkflowId(otherOrder.orderId))).to.equal(false);
      // The audit trail records the refusal against the caller.
      const audit = await api<{ items: { action: string; outcome: string; statusCode: number | null }[] }>(
        'GET',
        `/v1/audit?action=runs.start&outcome=failure`,
        { key: adminKey },
      );
      expect(audit.body.items.some((entry) => entry.statusCode === 422)).to.equal(true);
    });

    it('when another caller uses the same key, then its request is its own', async () => {
      const key = uniqueId('idem');
      const mine = await api('POST', '/v1/runs', {
        body: { type: 'orderToCash', input: newOrderInput() },
        headers: { 'Idempotency-Key': key },
      });
      const theirs = await api('POST', '/v1/runs', {
        key: otherShopKey,
        body: { type: 'orderToCash', input: newOrderInput() },
        headers: { 'Idempotency-Key': key },
      });
      expect(mine.status, mine.text).to.equal(202);
      expect(theirs.status, theirs.text).to.equal(202);
      expect(theirs.body.workflowId).to.not.equal(mine.body.workflowId);
    });

    it('when a request with a key is refused as invalid, then the key stays free for the corrected request', async () => {
      const key = uniqueId('idem');
      const broken = await api('POST', '/v1/runs', {
        body: { type: 'orderToCash', input: { ...newOrderInput(), currency: 'euro' } },
        headers: { 'Idempotency-Key': key },
      });
      expectProblem(broken, 400);
      const fixed = await api('POST', '/v1/runs', {
        body: { type: 'orderToCash', input: newOrderInput() },
        headers: { 'Idempotency-Key': key },
      });
      expect(fixed.status, fixed.text).to.equal(202);
      expect(fixed.body.existing).to.equal(undefined);
    });
  });

  describe('API key lifetime and the person a key acts as', () => {
    it('when a key is created without an expiry, then it expires after the default 90 days; "expiresAt": null asks for none', async () => {
      const before = Date.now();
      const defaulted = await api<{ expiresAt: string | null; actsAs: string | null }>('POST', '/v1/keys', {
        key: adminKey,
        body: { name: 'defaulted', scopes: ['runs:read'] },
      });
      expect(defaulted.status, defaulted.text).to.equal(201);
      const expiresAt = Date.parse(defaulted.body.expiresAt ?? '');
      expect(expiresAt).to.be.within(before + 90 * DAY_MS - 60_000, Date.now() + 90 * DAY_MS + 60_000);
      expect(defaulted.body.actsAs).to.equal(null);
      const forever = await api<{ expiresAt: string | null }>('POST', '/v1/keys', {
        key: adminKey,
        body: { name: 'forever', scopes: ['runs:read'], expiresAt: null },
      });
      expect(forever.status, forever.text).to.equal(201);
      expect(forever.body.expiresAt).to.equal(null);
    });

    it('when a key is issued to a person, then it says so and only an email is accepted', async () => {
      const personal = await api<{ actsAs: string | null }>('POST', '/v1/keys', {
        key: adminKey,
        body: { name: 'alan', scopes: ['runs:write'], actsAs: 'Alan@Example.com' },
      });
      expect(personal.status, personal.text).to.equal(201);
      expect(personal.body.actsAs).to.equal('alan@example.com');
      const bad = await api('POST', '/v1/keys', {
        key: adminKey,
        body: { name: 'nobody', scopes: ['runs:write'], actsAs: 'not an email' },
      });
      expectProblem(bad, 400);
      expect(JSON.stringify(bad.body.errors)).to.contain('actsAs');
    });
  });
});

describe('security: a per-address budget runs before any credential is looked up', function () {
  this.timeout(60_000);
  const BUDGET = 6;
  let stack: ApiStack;
  let key: string;

  before(async () => {
    stack = await startApiStack({
      label: 'sec_address',
      worker: false,
      env: { API_RATE_LIMIT_PER_ADDRESS: String(BUDGET), API_RATE_LIMIT_ANONYMOUS: '1000' },
    });
    key = await stack.createKey('dashboard', ['runs:read']);
  });

  after(async () => {
    await stack?.close();
  });

  it('when one address sends made-up keys past its budget, then it is answered 429 with Retry-After instead of another 401, and so is a valid key from it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET; i++) {
      statuses.push(
        (await call(stack.api.url, 'GET', '/v1/workflows', { bearer: `jk_guess${i}_${'x'.repeat(32)}` })).status,
      );
    }
    expect(statuses).to.deep.equal(Array<number>(BUDGET).fill(401));
    const guess = await call(stack.api.url, 'GET', '/v1/workflows', { bearer: `jk_guessmore_${'y'.repeat(32)}` });
    expectProblem(guess, 429, 'rate-limited');
    expect(guess.body.detail).to.match(/from this address/);
    expect(Number(guess.headers.get('retry-after'))).to.be.greaterThan(0);
    // The budget is the address's, whoever it claims to be: the lookup never ran.
    const valid = await call(stack.api.url, 'GET', '/v1/workflows', { bearer: key });
    expectProblem(valid, 429, 'rate-limited');
  });
});
