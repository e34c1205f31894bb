import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config';
import {
  loadApprovalPolicies,
  parseApprovalPoliciesFile,
  type ApprovalPolicies,
} from '../../server/approvals/approval-policies-file';
import { resolveApprovalPolicy } from '../../server/approvals/resolve-approval-policy';

function problemsOf(text: string): string[] {
  try {
    parseApprovalPoliciesFile(text, 'test.yaml');
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  expect.fail('expected a ConfigError');
}

const CHAIN = `
    approvers:
      - { email: ann@corp.example, managerEmail: boss@corp.example }
      - { email: bob@corp.example, managerEmail: cfo@corp.example }
      - { email: cid@corp.example, managerEmail: cfo@corp.example }`;

const POLICIES = `
policies:
  default:
    thresholds: { EUR: { oneApproverFrom: 100000, twoApproversFrom: 1000000 } }${CHAIN}
  it-equipment:
    costCentres: [CC-4711, cc-4712]
    thresholds:
      EUR: { oneApproverFrom: 0, twoApproversFrom: 50000 }
      USD: { oneApproverFrom: 1000, twoApproversFrom: 60000 }
    reminderAfter: 8h
    escalateAfter: 1 day
    autoRejectAfter: 259200000
    approvers:
      - { email: Dee@Corp.example, managerEmail: cio@corp.example }
      - { email: eve@corp.example, managerEmail: cio@corp.example }
`;

const ask = (policies: ApprovalPolicies, overrides: Partial<Parameters<typeof resolveApprovalPolicy>[1]> = {}) =>
  resolveApprovalPolicy(policies, {
    costCentre: 'CC-1',
    requesterEmail: 'req@corp.example',
    total: 250_000,
    currency: 'EUR',
    ...overrides,
  });

describe('config/approval-policies.yaml', () => {
  describe('loading', () => {
    it('when the file is valid, then each policy is read with its defaults and emails in lower case', () => {
      const { policies } = parseApprovalPoliciesFile(POLICIES);
      expect(policies.map((policy) => policy.name)).to.deep.equal(['default', 'it-equipment']);
      expect(policies[0]).to.deep.include({ reminderAfter: '24h', escalateAfter: '48h', autoRejectAfter: '7d' });
      expect(policies[1]).to.deep.include({
        reminderAfter: '8h',
        escalateAfter: '1 day',
        autoRejectAfter: 259_200_000,
      });
      expect(policies[1]!.approvers[0]).to.deep.equal({ email: 'dee@corp.example', managerEmail: 'cio@corp.example' });
    });

    it('when the shipped file is read, then its default policy keeps the documented example (docs/processes.md): alan@example.com, escalating to ada@example.com', async () => {
      const shipped = await loadApprovalPolicies(loadConfig({}, false).approvalPoliciesFile);
      const resolution = ask(shipped, { costCentre: 'CC-4711', requesterEmail: 'grace@example.com', total: 180_000 });
      expect(resolution).to.deep.include({ resolved: true });
      expect(resolution.resolved && resolution.value).to.deep.include({
        policyName: 'default',
        approvers: [{ email: 'alan@example.com', managerEmail: 'ada@example.com' }],
      });
      const twoSteps = ask(shipped, { costCentre: 'CC-4711', requesterEmail: 'grace@example.com', total: 99_999_999 });
      expect(twoSteps.resolved && twoSteps.value.approvers.map((link) => link.email)).to.deep.equal([
        'alan@example.com',
        'margaret@example.com',
      ]);
    });

    it('when a policy is wrong, then the load fails naming the file, the policy and each field', () => {
      expect(
        problemsOf(`
policies:
  default:
    thresholds: { eur: { oneApproverFrom: 1, twoApproversFrom: 2 } }
    reminderAfter: soon
    escalateAfter: 1000
    colour: red
    approvers:
      - { email: ann@corp.example, managerEmail: ann@corp.example }
      - { email: ann@corp.example, managerEmail: boss@corp.example }
  Bad Name:
    thresholds: { EUR: { oneApproverFrom: 1, twoApproversFrom: 2 } }${CHAIN}
  finance:
    costCentres: [X]
    thresholds: { EUR: { oneApproverFrom: 5000, twoApproversFrom: 5000 } }
    approvers:
      - { email: not-an-email, managerEmail: boss@corp.example }
`),
      ).to.have.members([
        'test.yaml: policies.default.colour: is not allowed here',
        'test.yaml: policies.default.thresholds.eur: must be an ISO-4217 code in upper case, e.g. EUR',
        "test.yaml: policies.default.reminderAfter: must be a positive duration such as '24h', '2 days' or a number of milliseconds",
        'test.yaml: policies.default.approvers[0].managerEmail: must be someone other than the approver',
        'test.yaml: policies.Bad Name: a policy name is lowercase letters, digits, ".", "_" and "-", at most 60',
        'test.yaml: policies.finance.thresholds.EUR.twoApproversFrom: must be greater than oneApproverFrom',
        'test.yaml: policies.finance.approvers[0].email: must be an email address',
        'test.yaml: policies.finance.approvers: must name at least two approvers (two-approver requests, and a spare when the requester is in the chain)',
      ]);
      expect(
        problemsOf(
          `policies:\n  default:\n    thresholds: { EUR: { oneApproverFrom: 1, twoApproversFrom: 2 } }\n    reminderAfter: 2d\n    escalateAfter: 1d${CHAIN}\n      - { email: ann@corp.example, managerEmail: cfo@corp.example }\n`,
        ),
      ).to.deep.equal([
        'test.yaml: policies.default.escalateAfter: must be longer than reminderAfter',
        'test.yaml: policies.default.approvers[3].email: ann@corp.example is already approvers[0]: two approvals must come from two people',
      ]);
    });

    it('when cost centres are missing, misplaced or claimed twice, then the load fails naming the policy', () => {
      const policy = (name: string, costCentres?: string) =>
        `  ${name}:\n${costCentres ? `    costCentres: ${costCentres}\n` : ''}    thresholds: { EUR: { oneApproverFrom: 1, twoApproversFrom: 2 } }${CHAIN}\n`;
      expect(
        problemsOf(
          `policies:\n${policy('default', '[CC-1]')}${policy('finance')}${policy('it', '[CC-2, cc-1]')}${policy('ops', '[Cc-2]')}`,
        ),
      ).to.deep.equal([
        'test.yaml: policies.default.costCentres: the default policy decides for every cost centre no other policy names; it lists none',
        'test.yaml: policies.finance.costCentres: must list the cost centres this policy decides for (only "default" applies to all others)',
        'test.yaml: policies.it.costCentres[1]: cc-1 is already decided by policy "default"',
        'test.yaml: policies.ops.costCentres[0]: Cc-2 is already decided by policy "it"',
      ]);
      expect(problemsOf('policies:\n  default:\n    thresholds: {}\n' + CHAIN.slice(1))).to.deep.equal([
        'test.yaml: policies.default.thresholds: must list the thresholds of at least one currency',
      ]);
      expect(problemsOf('policies: [1, 2')[0]).to.match(/^test\.yaml: not valid YAML: /);
      expect(problemsOf('rules: {}')).to.deep.equal(['test.yaml: rules: is not allowed here']);
    });

    it('when APPROVAL_POLICIES_FILE names a file that cannot be read, then the start fails naming the variable; a bad file names its path and field; an empty file holds no policies', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'junction-policies-'));
      try {
        const missing = join(dir, 'nope.yaml');
        const error = await loadApprovalPolicies(missing).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(ConfigError);
        expect((error as ConfigError).problems[0]).to.match(/^APPROVAL_POLICIES_FILE: .*nope\.yaml cannot be read: /);
        const bad = join(dir, 'bad.yaml');
        await writeFile(bad, 'policies:\n  default:\n    thresholds: {}\n');
        const badError = await loadApprovalPolicies(bad).then(
          () => null,
          (e: unknown) => e,
        );
        expect(
          (badError as ConfigError).problems.every((problem) => problem.startsWith(`${bad}: policies.default.`)),
        ).to.equal(true);
        const empty = join(dir, 'empty.yaml');
        await writeFile(empty, '# no policies yet\n');
        expect((await loadApprovalPolicies(empty)).policies).to.deep.equal([]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('resolving a request', () => {
    const policies = parseApprovalPoliciesFile(POLICIES);

    it('when the total is below, at or above the thresholds, then 0, 1 or 2 approvers from the top of the chain decide', () => {
      const approversFor = (total: number) => {
        const resolution = ask(policies, { total });
        return resolution.resolved ? resolution.value.approvers.map((link) => link.email) : resolution.reason;
      };
      expect(approversFor(99_999)).to.deep.equal([]);
      expect(approversFor(100_000)).to.deep.equal(['ann@corp.example']);
      expect(approversFor(999_999)).to.deep.equal(['ann@corp.example']);
      expect(approversFor(1_000_000)).to.deep.equal(['ann@corp.example', 'bob@corp.example']);
    });

    it('when the cost centre has its own policy (any case), then it decides with its thresholds in the request currency and its durations', () => {
      const resolution = ask(policies, { costCentre: ' CC-4712 ', total: 1000, currency: 'USD' });
      expect(resolution).to.deep.equal({
        resolved: true,
        value: {
          policyName: 'it-equipment',
          policy: {
            oneApproverFrom: 1000,
            twoApproversFrom: 60000,
            reminderAfter: '8h',
            escalateAfter: '1 day',
            autoRejectAfter: 259_200_000,
          },
          approvers: [{ email: 'dee@corp.example', managerEmail: 'cio@corp.example' }],
        },
      });
      expect(ask(policies, { costCentre: 'CC-4711-B' })).to.deep.include({ resolved: true });
      expect(
        (ask(policies, { costCentre: 'CC-4711-B' }) as { value: { policyName: string } }).value.policyName,
      ).to.equal('default');
    });

    it('when the requester is a link’s approver or manager, then that link is skipped; with too few left the request is unresolved', () => {
      const asApprover = ask(policies, { requesterEmail: 'ANN@corp.example', total: 1_000_000 });
      expect(asApprover.resolved && asApprover.value.approvers.map((link) => link.email)).to.deep.equal([
        'bob@corp.example',
        'cid@corp.example',
      ]);
      const asManager = ask(policies, { requesterEmail: 'cfo@corp.example', total: 100_000 });
      expect(asManager.resolved && asManager.value.approvers.map((link) => link.email)).to.deep.equal([
        'ann@corp.example',
      ]);
      const tooFew = ask(policies, { requesterEmail: 'cfo@corp.example', total: 1_000_000 });
      expect(tooFew).to.deep.equal({
        resolved: false,
        reason: 'chain-too-short',
        policyName: 'default',
        message:
          'A total of 1000000 EUR (minor units) needs 2 approvers; approval policy "default" has 1 who may decide for cfo@corp.example (2 left out: the requester is their approver or manager).',
      });
    });

    it('when no policy decides the cost centre or the currency has no thresholds, then the request is unresolved, saying why', () => {
      const withoutDefault = parseApprovalPoliciesFile(
        POLICIES.replace('  default:\n', '  finance:\n    costCentres: [CC-9]\n'),
        'p.yaml',
      );
      expect(ask(withoutDefault)).to.deep.include({ resolved: false, reason: 'no-policy', policyName: null });
      expect((ask(withoutDefault) as { message: string }).message).to.equal(
        'No approval policy decides cost centre CC-1, and there is no default policy (policies: finance, it-equipment; p.yaml).',
      );
      expect(ask(policies, { currency: 'XAU' })).to.deep.include({
        resolved: false,
        reason: 'currency-not-covered',
        policyName: 'default',
        message: 'Approval policy "default" has no thresholds in XAU (it covers EUR).',
      });
    });
  });
});
