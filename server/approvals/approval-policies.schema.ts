/**
 * The shape of config/approval-policies.yaml (APPROVAL_POLICIES_FILE), as written;
 * approval-policies-file.ts checks it as a whole (cost centres claimed twice) and indexes it.
 */
import { z } from 'zod';
import { durationMs, type DurationInput } from '../../workflows/purchase-approval/approval-rules';

/** A policy name: the key under `policies`, shown in a run's result and in failures. */
export const POLICY_NAME = /^[a-z0-9][a-z0-9._-]{0,59}$/;
/** The policy of every cost centre no other policy names. */
export const DEFAULT_POLICY = 'default';

const email = z.string().trim().toLowerCase().pipe(z.email('must be an email address'));

/** null for a malformed duration, so the object-level rules still run when a field is invalid. */
export function millisecondsOf(value: DurationInput): number | null {
  try {
    return durationMs(value);
  } catch {
    return null;
  }
}

/** A duration as Temporal timers take it: milliseconds, or an ms-style string such as '24h', '2 days'. */
const duration = z.union([
  z.number().int().positive(),
  z
    .string()
    .min(1)
    .max(40)
    .refine(
      (value) => (millisecondsOf(value) ?? 0) > 0,
      "must be a positive duration such as '24h', '2 days' or a number of milliseconds",
    ),
]);

/** Inclusive lower bounds, in the currency's minor unit (cents). */
const thresholds = z
  .strictObject({
    oneApproverFrom: z.number().int().nonnegative(),
    twoApproversFrom: z.number().int().positive(),
  })
  .refine((value) => value.twoApproversFrom > value.oneApproverFrom, {
    path: ['twoApproversFrom'],
    message: 'must be greater than oneApproverFrom',
  });

const chainLink = z
  .strictObject({
    email,
    /** Asked instead of the approver when the step is escalated. */
    managerEmail: email,
  })
  .refine((link) => link.managerEmail !== link.email, {
    path: ['managerEmail'],
    message: 'must be someone other than the approver',
  });

export const approvalPolicyEntrySchema = z
  .strictObject({
    /** The cost centres this policy decides for (compared without regard to case); the default policy names none. */
    costCentres: z.array(z.string().trim().min(1).max(64)).min(1).max(1000).optional(),
    /**
     * Per ISO-4217 currency: thresholds are minor units of one currency, so a request in a currency
     * the policy does not list is refused rather than compared with another currency's numbers.
     */
    thresholds: z
      .record(z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code in upper case, e.g. EUR'), thresholds)
      .refine((value) => Object.keys(value).length > 0, 'must list the thresholds of at least one currency'),
    /** Per step: the pending approver is reminded once after this long without a decision. */
    reminderAfter: duration.default('24h'),
    /** Per step: after this long without a decision the approver's manager is asked instead. */
    escalateAfter: duration.default('48h'),
    /** Per request, from its start: with no final decision by then it is rejected automatically. */
    autoRejectAfter: duration.default('7d'),
    /**
     * The approver chain, in order: a request is decided by as many links as its total needs, from
     * the top, skipping any link whose approver or manager is the requester.
     */
    approvers: z
      .array(chainLink)
      .min(
        2,
        'must name at least two approvers (two-approver requests, and a spare when the requester is in the chain)',
      )
      .max(50),
  })
  .superRefine((policy, ctx) => {
    const [reminderMs, escalateMs] = [millisecondsOf(policy.reminderAfter), millisecondsOf(policy.escalateAfter)];
    if (reminderMs !== null && escalateMs !== null && escalateMs <= reminderMs) {
      ctx.addIssue({ code: 'custom', path: ['escalateAfter'], message: 'must be longer than reminderAfter' });
    }
    const emails = policy.approvers.map((link) => link.email);
    emails.forEach((address, index) => {
      if (emails.indexOf(address) !== index)
        ctx.addIssue({
          code: 'custom',
          path: ['approvers', index, 'email'],
          message: `${address} is already approvers[${emails.indexOf(address)}]: two approvals must come from two people`,
        });
    });
  });

export const approvalPoliciesFileSchema = z.strictObject({
  policies: z
    .record(
      z.string().regex(POLICY_NAME, 'a policy name is lowercase letters, digits, ".", "_" and "-", at most 60'),
      approvalPolicyEntrySchema,
    )
    .nullish(),
});

export type ApprovalPolicyEntry = z.infer<typeof approvalPolicyEntrySchema>;
