import { expect } from 'chai';
import { ApprovalBook, approvalsRequired } from '../../workflows/purchase-approval/approval-rules';
import { approveArgsSchema, purchaseApprovalInputSchema, rejectArgsSchema } from '../../workflows/purchase-approval/purchase-approval.input';

/** The `field: message` of every issue, with paths as the API names them. */
function issuesOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): string[] {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);
}

const request = (overrides: Record<string, unknown> = {}) => ({
  requestId: 'PR-1',
  requester: { email: 'Req@Corp.example', name: 'Grace Hopper' },
  costCentre: 'CC-1',
  supplier: 'ACME',
  currency: 'EUR',
  lines: [{ sku: 'CHAIR', quantity: 2, unitAmount: 60_000 }],
  approvers: [{ email: 'ann@corp.example', managerEmail: 'boss@corp.example' }],
  ...overrides,
});

describe('purchaseApproval rules and input schema', () => {
  describe('approvals needed by amount (thresholds are inclusive lower bounds)', () => {
    const policy = { oneApproverFrom: 100_000, twoApproversFrom: 1_000_000 };
    for (const [total, needed] of [[99_999, 0], [100_000, 1], [999_999, 1], [1_000_000, 2]] as const) {
      it(`when the total is ${total}, then ${needed} approver(s) decide`, () => {
        expect(approvalsRequired(total, policy)).to.equal(needed);
      });
    }
  });

  describe('input schema', () => {
    it('when the policy is left out, then the defaults apply and emails are normalised', () => {
      const input = purchaseApprovalInputSchema.parse(request());
      expect(input.policy).to.deep.equal({ oneApproverFrom: 100_000, twoApproversFrom: 1_000_000, reminderAfter: '24h', escalateAfter: '48h', autoRejectAfter: '7d' });
      expect(input.requester.email).to.equal('req@corp.example');
    });

    it('when the chain is shorter than the total needs, then the approvers field is named', () => {
      const result = purchaseApprovalInputSchema.safeParse(request({ lines: [{ sku: 'CAR', quantity: 1, unitAmount: 2_500_000 }] }));
      expect(issuesOf(result)).to.deep.equal(['approvers: a total of 2500000 (minor units) needs 2 approvers, 1 given']);
    });

    it('when the requester is in the chain or a manager is the approver, then those fields are named', () => {
      const result = purchaseApprovalInputSchema.safeParse(
        request({ approvers: [{ email: 'req@corp.example', managerEmail: 'req@corp.example' }] }),
      );
      expect(issuesOf(result)).to.deep.equal([
        'approvers.0.email: the requester may not approve their own request',
        'approvers.0.managerEmail: must be someone other than the requester and the approver',
      ]);
    });

    it('when the same person is both approvers, then the second is named', () => {
      const twice = { email: 'ann@corp.example', managerEmail: 'boss@corp.example' };
      const result = purchaseApprovalInputSchema.safeParse(request({ approvers: [twice, twice] }));
      expect(issuesOf(result)).to.deep.equal(['approvers.1.email: two approvals must come from two different people']);
    });

    it('when durations are malformed or out of order, or thresholds inverted, then each field is named', () => {
      const result = purchaseApprovalInputSchema.safeParse(
        request({ policy: { reminderAfter: 'soon', escalateAfter: 1000, autoRejectAfter: '7d', oneApproverFrom: 5, twoApproversFrom: 5 } }),
      );
      expect(issuesOf(result)).to.include.members([
        "policy.reminderAfter: must be a positive duration such as '24h', '2 days' or a number of milliseconds",
        'policy.twoApproversFrom: must be greater than policy.oneApproverFrom',
      ]);
      const ordered = purchaseApprovalInputSchema.safeParse(request({ policy: { reminderAfter: '2d', escalateAfter: '1d' } }));
      expect(issuesOf(ordered)).to.deep.equal(['policy.escalateAfter: must be longer than policy.reminderAfter']);
    });

    it('when the API fills in connector defaults of every kind, then those this process does not use are dropped', () => {
      const input = purchaseApprovalInputSchema.parse(request({ connectors: { crm: 'crm.main', erp: 'erp.eu', payment: 'payment.main' } }));
      expect(input.connectors).to.deep.equal({ erp: 'erp.eu' });
    });

    it('when a rejection has no reason, then the update argument schema names the comment', () => {
      expect(issuesOf(rejectArgsSchema.safeParse({ approver: 'ann@corp.example' }))[0]).to.match(/^comment: /);
      expect(issuesOf(rejectArgsSchema.safeParse({ approver: 'ann@corp.example', comment: '' }))).to.deep.equal(['comment: a rejection needs a reason']);
      expect(approveArgsSchema.safeParse({ approver: 'ann@corp.example' }).success).to.equal(true);
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
      expect(once.pending).to.deep.equal({ step: 1, steps: 2, approver: 'boss@corp.example', since: '2030-01-03T09:00:00.000Z', escalated: true, escalatedFrom: 'ann@corp.example' });
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
