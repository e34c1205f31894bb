/**
 * Security: approvals are decided by the server's policy, and a decision is bound to the caller.
 * Each attack goes through the real API on the dev server (worker with the shipped
 * config/approval-policies.yaml, sandbox ERP in MariaDB), next to the legitimate path.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { PurchaseApprovalResult } from '../../workflows/purchase-approval/purchase-approval.types';
import type { Progress } from '../../workflows/shared/progress';
import { countSandboxRecords } from '../../connectors/sandbox/sandbox-admin';
import { REPO_ROOT } from '../../scripts/tool-paths';
import { auditRowOf } from '../e2e/admin-api.support';
import { call, expectProblem, waitForRun, type KeyedCall, type Reply } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { uniqueId } from '../support/order-fixtures';
import { purchaseRequestInput } from '../support/purchase-fixtures';
import { getDevServer } from '../support/temporal-test-servers';

interface RunView {
  status: string;
  progress: Progress | null;
  result?: PurchaseApprovalResult;
}

// The shipped policy (config/approval-policies.yaml): alan, then margaret; alan's manager is ada.
const ALAN = 'alan@example.com';
const MARGARET = 'margaret@example.com';
const ISSUER = 'https://idp.junction.test/realms/ops';
const AUDIENCE = 'junction-api';

/** An identity provider's JWKS endpoint serving one signing key. */
async function startIdentityProvider(): Promise<{
  jwksUrl: string;
  sign(claims: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}> {
  const { privateKey, publicKey } = (await generateKeyPair('RS256')) as { privateKey: CryptoKey; publicKey: CryptoKey };
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    jwksUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}/certs`,
    sign: (claims) =>
      new SignJWT({ scope: 'runs:read runs:write', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(uniqueId('user'))
        .setExpirationTime('5m')
        .sign(privateKey),
    stop: () => new Promise((done) => server.close(() => done())),
  };
}

describe('security: approvals are decided by server policy and bound to the caller', function () {
  this.timeout(120_000);
  let stack: ApiStack;
  let idp: Awaited<ReturnType<typeof startIdentityProvider>>;
  /** The procurement system: starts runs and reads them; acts for nobody. */
  let system: string;
  let admin: string;
  let alanKey: string;
  let margaretKey: string;
  let bobKey: string;
  const as =
    (bearer: string): KeyedCall =>
    (method, path, options = {}) =>
      call(stack.api.url, method, path, { ...options, bearer });

  before(async () => {
    idp = await startIdentityProvider();
    stack = await startApiStack({
      label: 'sec_approvals',
      env: { OIDC_JWKS_URL: idp.jwksUrl, OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE },
    });
    system = await stack.createKey('procurement', ['runs:read', 'runs:write']);
    admin = await stack.createKey('ops admin', ['admin']);
    alanKey = await stack.createKey('approvals app: alan', ['runs:write'], ALAN);
    margaretKey = await stack.createKey('approvals app: margaret', ['runs:write'], MARGARET);
    bobKey = await stack.createKey('approvals app: bob', ['runs:write'], 'bob@example.com');
  });

  after(async () => {
    await stack?.close();
    await idp?.stop();
  });

  /** 999,999.99 EUR: two approvers under the shipped default policy. */
  // Record overrides: some tests send what the schema refuses (approvers, policy).
  const request = (overrides: Record<string, unknown> = {}) => ({
    ...purchaseRequestInput('large', { lines: [{ sku: 'SERVER-RACK', quantity: 1, unitAmount: 99_999_999 }] }),
    ...overrides,
  });

  async function start(input: Record<string, unknown>): Promise<Reply> {
    return as(system)('POST', '/v1/runs', { body: { type: 'purchaseApproval', input } });
  }

  const pendingOf = async (workflowId: string) =>
    (await waitForRun<RunView>(as(system), workflowId, (run) => run.progress?.pending !== undefined)).progress?.pending;

  const decide = (bearer: string, workflowId: string, body?: unknown, update: 'approve' | 'reject' = 'approve') =>
    as(bearer)('POST', `/v1/runs/${workflowId}/updates/${update}`, { body });

  it('when a request sets its own thresholds or approvers, then the start is refused with 400 naming the field, and no run exists', async () => {
    const lenient = request({ policy: { oneApproverFrom: 9e15 } });
    const refused = await start(lenient);
    expectProblem(refused, 400, 'validation-error');
    expect(refused.body.errors).to.deep.equal([
      { field: 'input.policy', message: 'is set by the approval policy on the server, not by the request' },
    ]);
    expectProblem(await as(system)('GET', `/v1/runs/purchase-${lenient.requestId}`), 404);

    const ownChain = request({ approvers: [{ email: 'grace@example.com', managerEmail: 'grace@example.com' }] });
    const chainRefused = await start(ownChain);
    expectProblem(chainRefused, 400, 'validation-error');
    expect(chainRefused.body.errors).to.deep.equal([
      { field: 'input.approvers', message: 'is set by the approval policy on the server, not by the request' },
    ]);
    expectProblem(await as(system)('GET', `/v1/runs/purchase-${ownChain.requestId}`), 404);
  });

  it('when a request of 999,999.99 starts without them, then it waits for the approvers the policy file names and nothing is ordered', async () => {
    const input = request();
    const ordersBefore = await countSandboxRecords(stack.db.models, 'erp.main', 'purchaseOrders');
    const started = await start(input);
    expect(started.status, started.text).to.equal(202);
    const workflowId = String(started.body.workflowId);
    expect(await pendingOf(workflowId)).to.deep.include({ step: 1, steps: 2, approver: ALAN, escalated: false });
    expect(await countSandboxRecords(stack.db.models, 'erp.main', 'purchaseOrders')).to.equal(ordersBefore);
    await stack.temporal.workflow.getHandle(workflowId).terminate('test cleanup');
  });

  it('when the requester is an approver of the chain, then their link is skipped and their own key cannot decide', async () => {
    const started = await start(
      request({
        requester: { email: ALAN, name: 'Alan Turing' },
        lines: [{ sku: 'CHAIR', quantity: 4, unitAmount: 45_000 }],
      }),
    );
    const workflowId = String(started.body.workflowId);
    expect(await pendingOf(workflowId)).to.deep.include({ step: 1, steps: 1, approver: MARGARET });
    const self = await decide(alanKey, workflowId);
    expectProblem(self, 422, 'update-rejected');
    expect(self.body.detail).to.equal(`${ALAN} may not decide step 1 of 1: it is waiting for ${MARGARET}.`);
    await stack.temporal.workflow.getHandle(workflowId).terminate('test cleanup');
  });

  it('when a caller decides as someone else or as nobody, then 403 (admin included); the wrong person with their own key gets 422; the real approvers complete the order', async () => {
    const started = await start(request());
    const workflowId = String(started.body.workflowId);
    await pendingOf(workflowId);

    const nobody = await decide(system, workflowId, { approver: ALAN });
    expectProblem(nobody, 403, 'personal-credential-required');
    expect(nobody.body.detail).to.contain('acts for nobody').and.contain('actsAs').and.contain('OIDC');
    expectProblem(await decide(admin, workflowId, { approver: ALAN }), 403, 'personal-credential-required');
    expectProblem(await decide(admin, workflowId), 403, 'personal-credential-required');

    const impersonation = await decide(bobKey, workflowId, { approver: ALAN });
    expectProblem(impersonation, 403, 'actor-mismatch');
    expect(impersonation.body.detail).to.contain('acts for bob@example.com').and.contain(`as ${ALAN}`);
    const wrongPerson = await decide(bobKey, workflowId, { comment: 'looks fine' });
    expectProblem(wrongPerson, 422, 'update-rejected');
    expect(wrongPerson.body.detail).to.equal(`bob@example.com may not decide step 1 of 2: it is waiting for ${ALAN}.`);
    expect(await pendingOf(workflowId)).to.deep.include({ step: 1, approver: ALAN });

    // The legitimate path: each approver with the key issued to them, with or without naming themselves.
    const first = await decide(alanKey, workflowId, { comment: 'within budget' });
    expect(first.status, first.text).to.equal(200);
    expect((first.body.result as PurchaseApprovalResult).decisions[0]).to.deep.include({
      step: 1,
      approver: ALAN,
      decision: 'approved',
    });
    expect((await auditRowOf(stack.db, first)).details).to.deep.include({ update: 'approve', actsFor: ALAN });
    const second = await decide(margaretKey, workflowId, { approver: MARGARET });
    expect(second.status, second.text).to.equal(200);
    expect(second.body.result).to.deep.include({ status: 'approved' });

    const done = await waitForRun<RunView>(as(system), workflowId);
    expect(done.status).to.equal('COMPLETED');
    expect(done.result).to.deep.include({ decision: 'approved', decidedBy: [ALAN, MARGARET], policy: 'default' });
    const order = await stack.db.models.SandboxRecord.findOne({ where: { id: done.result?.purchaseOrderId ?? '' } });
    expect(order?.instance).to.equal('erp.main');
    expect(order?.data).to.deep.include({ externalReference: done.result?.requestId, currency: 'EUR' });
  });

  it('when an OIDC token carries the approver’s email, then it decides as them; a token without an email or naming someone else is refused', async () => {
    const started = await start(request());
    const workflowId = String(started.body.workflowId);
    await pendingOf(workflowId);

    expectProblem(
      await decide(await idp.sign({}), workflowId, { approver: ALAN }),
      403,
      'personal-credential-required',
    );
    expectProblem(
      await decide(await idp.sign({ email: 'bob@example.com' }), workflowId, { approver: ALAN }),
      403,
      'actor-mismatch',
    );
    const rejected = await decide(
      await idp.sign({ email: 'Alan@Example.com' }),
      workflowId,
      { comment: 'Not this quarter.' },
      'reject',
    );
    expect(rejected.status, rejected.text).to.equal(200);
    expect(rejected.body.result).to.deep.include({ status: 'rejected', reason: 'Not this quarter.' });
    const done = await waitForRun<RunView>(as(system), workflowId);
    expect(done.result).to.deep.include({ decision: 'rejected', decidedBy: [ALAN] });
    expect(done.result?.purchaseOrderId).to.equal(undefined);
  });
  it('when an approver files a request in a colleague’s name, then 403 initiator-mismatch, for a run and for a schedule; on their own behalf it starts and their link is skipped', async () => {
    const inGracesName = request();
    const refused = await as(alanKey)('POST', '/v1/runs', { body: { type: 'purchaseApproval', input: inGracesName } });
    expectProblem(refused, 403, 'initiator-mismatch');
    expect(refused.body.errors).to.deep.equal([
      { field: 'input.requester.email', message: `must be ${ALAN}, the person this credential acts for` },
    ]);
    expectProblem(await as(system)('GET', `/v1/runs/purchase-${inGracesName.requestId}`), 404);

    const scheduler = await stack.createKey('approvals app: alan (schedules)', ['schedules:write', 'runs:write'], ALAN);
    const schedule = await as(scheduler)('POST', '/v1/schedules', {
      body: {
        id: uniqueId('sec-initiator'),
        workflow: 'purchaseApproval',
        input: request(),
        every: '1h',
        paused: true,
      },
    });
    expectProblem(schedule, 403, 'initiator-mismatch');

    const own = await as(alanKey)('POST', '/v1/runs', {
      body: { type: 'purchaseApproval', input: request({ requester: { email: ALAN, name: 'Alan Turing' } }) },
    });
    expect(own.status, own.text).to.equal(202);
    // The requester's own link (alan, manager ada) is skipped: margaret decides first.
    expect(await pendingOf(String(own.body.workflowId))).to.deep.include({ step: 1, approver: MARGARET });
  });

  it('when the policy file is invalid, then the worker does not start: exit 78 naming the file, the policy and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'junction-policies-'));
    try {
      const file = join(dir, 'approval-policies.yaml');
      await writeFile(
        file,
        'policies:\n  default:\n    thresholds: { EUR: { oneApproverFrom: 9000000000000000, twoApproversFrom: 1 } }\n    approvers: []\n',
      );
      const temporal = await getDevServer();
      const exit = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/main.ts', 'worker'], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: stack.db.url,
          TEMPORAL_ADDRESS: temporal.address,
          TEMPORAL_NAMESPACE: temporal.namespace,
          TEMPORAL_TASK_QUEUE: uniqueId('sec-policies'),
          APPROVAL_POLICIES_FILE: file,
          LOG_LEVEL: 'error',
        },
        timeout: 60_000,
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code?: number; stderr?: string }) => ({ code: error.code ?? -1, stderr: error.stderr ?? '' }),
      );
      expect(exit.code, exit.stderr).to.equal(78);
      expect(exit.stderr).to.contain(
        `${file}: policies.default.thresholds.EUR.twoApproversFrom: must be greater than oneApproverFrom`,
      );
      expect(exit.stderr).to.contain(`${file}: policies.default.approvers: must name at least two approvers`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
