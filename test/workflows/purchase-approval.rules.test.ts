import { expect } from 'chai';
import { z } from 'zod';
import { ApprovalBook, approvalsRequired } from '../../workflows/purchase-approval/approval-rules';
import {
  approveArgsSchema,
  purchaseApprovalInputSchema,
  rejectArgsSchema,
} from '../../workflows/purchase-approval/purchase-approval.input';

/** The `field: message` of every issue, with paths as the API names them. */
function issuesOf(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}): string[] {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);
}

const request = (overrides: Record<string, unknown> = {}) => ({
  requestId: 'PR-1',
  requester: { email: 'Req@Corp.example', name: 'Grace Hopper' },
  costCentre: 'CC-1',
  supplier: 'ACME',
  currency: 'EUR',
  lines: [{ sku: 'CHAIR', quantity: 2, unitAmount: 60_000 }],
  ...overrides,
});

describe('purchaseApproval rules and input schema', () => {
  describe('approvals needed by amount (thresholds are inclusive lower bounds)', () => {
    const policy = { oneApproverFrom: 100_000, twoApproversFrom: 1_000_000 };
    for (const [total, needed] of [
      [99_999, 0],
      [100_000, 1],
      [999_999, 1],
      [1_000_000, 2],
    ] as const) {
      it(`when the total is ${total}, then ${needed} approver(s) decide`, () => {
        expect(approvalsRequired(total, policy)).to.equal(needed);
      });
    }
  });

  describe('input schema', () => {
    it('when the request is valid, then emails are normalised and nothing about approval is in the input', () => {
      const input = purchaseApprovalInputSchema.parse(request());
      expect(input.requester.email).to.equal('req@corp.example');
      expect(input).to.not.have.any.keys('policy', 'approvers');
    });

    it('when the request carries a policy or approvers, then each is refused naming the field: they are set by the server policy', () => {
      const result = purchaseApprovalInputSchema.safeParse(
        request({
          policy: { oneApproverFrom: 9e15 },
          approvers: [{ email: 'ann@corp.example', managerEmail: 'boss@corp.example' }],
        }),
      );
      expect(issuesOf(result)).to.deep.equal([
        'approvers: is set by the approval policy on the server, not by the request',
        'policy: is set by the approval policy on the server, not by the request',
      ]);
      expect(issuesOf(purchaseApprovalInputSchema.safeParse(request({ policy: {} })))).to.deep.equal([
        'policy: is set by the approval policy on the server, not by the request',
      ]);
      expect(issuesOf(purchaseApprovalInputSchema.safeParse(request({ approvers: null })))).to.deep.equal([
        'approvers: is set by the approval policy on the server, not by the request',
      ]);
    });

    it('when the catalog serves the input schema, then policy and approvers are shown as not allowed', () => {
      const schema = z.toJSONSchema(purchaseApprovalInputSchema, { io: 'input' }) as {
        properties: Record<string, { not?: unknown; description?: string }>;
        required: string[];
      };
      expect(schema.properties.policy).to.deep.include({ not: {} });
      expect(schema.properties.approvers).to.deep.include({ not: {} });
      expect(schema.properties.policy?.description).to.contain('set by the approval policy on the server');
      expect(schema.required).to.not.include.members(['policy', 'approvers']);
    });

    it('when the API fills in connector defaults of every kind, then those this process does not use are dropped', () => {
      const input = purchaseApprovalInputSchema.parse(
        request({ connectors: { crm: 'crm.main', erp: 'erp.eu', payment: 'payment.main' } }),
      );
      expect(input.connectors).to.deep.equal({ erp: 'erp.eu' });
    });

    it('when a rejection has no reason, then the update argument schema names the comment; the approver may be left to the API', () => {
      expect(issuesOf(rejectArgsSchema.safeParse({ approver: 'ann@corp.example' }))[0]).to.match(/^comment: /);
      expect(issuesOf(rejectArgsSchema.safeParse({ approver: 'ann@corp.example', comment: '' }))).to.deep.equal([
        'comment: a rejection needs a reason',
      ]);
      expect(approveArgsSchema.safeParse({ approver: 'ann@corp.example' }).success).to.equal(true);
      expect(approveArgsSchema.safeParse({}).success).to.equal(true);
      expect(issuesOf(approveArgsSchema.safeParse({ approver: 'not an email' }))[0]).to.match(/^approver: /);
    });
  });

  describe('ApprovalBook', () => {
    const chain = [
      { email: 'ann@corp.example', managerEmail: 'boss@corp.example' },
      { email: 'bob@corp.example', managerEmail: 'cfo@corp.example' },
    ];
    const t0 = new Date('2030-01-01T09:00:00Z');

    it('when a step is escalated twice, then the second escalation changes nothing', () => {
      const book = new ApprovalBook(chain, 2);
      book.start(t0);
      book.escalate(1, new Date('2030-01-03T09:00:00Z'));
      const once = book.summary();
      book.escalate(1, new Date('2030-01-04T09:00:00Z'));
      expect(book.summary()).to.deep.equal(once);
      expect(once.pending).to.deep.equal({
        step: 1,
        steps: 2,
        approver: 'boss@corp.example',
        since: '2030-01-03T09:00:00.000Z',
        escalated: true,
        escalatedFrom: 'ann@corp.example',
      });
    });

    it('when the deadline passes after the request was decided, then the decision stands', () => {
      const book = new ApprovalBook(chain, 1);
      book.start(t0);
      book.decide('approved', { approver: 'ann@corp.example' }, t0);
      book.expire('too late');
      expect(book.summary()).to.deep.include({ status: 'approved', automatic: false });
    });

    it('when a decision is applied without passing the rules, then it throws and changes nothing', () => {
      const book = new ApprovalBook(chain, 1);
      book.start(t0);
      const before = book.summary();
      expect(() => book.decide('approved', { approver: 'eve@corp.example' }, t0)).to.throw('may not decide');
      expect(book.summary()).to.deep.equal(before);
      expect(book.refusal('approved', { comment: 'no approver' })).to.contain('needs an approver');
    });
  });
});
