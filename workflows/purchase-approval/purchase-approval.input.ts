import { z } from 'zod';
import { approvalsRequired, durationMs, requestTotal, type DurationInput } from './approval-rules';

const email = z.string().trim().toLowerCase().pipe(z.email());

/** A duration as Temporal timers take it: milliseconds, or an ms-style string such as '24h', '2 days'. */
const duration = z.union([
  z.number().int().positive(),
  z
    .string()
    .min(1)
    .max(40)
    .refine((value) => (millisecondsOf(value) ?? 0) > 0, "must be a positive duration such as '24h', '2 days' or a number of milliseconds"),
]);

/** null for a malformed duration: the object-level rules below still run when a field is invalid. */
function millisecondsOf(value: DurationInput): number | null {
  try {
    return durationMs(value);
  } catch {
    return null;
  }
}

export const purchaseLineSchema = z.object({
  sku: z.string().trim().min(1).max(64),
  description: z.string().trim().min(1).max(200).optional(),
  quantity: z.number().int().positive().max(100_000),
  /** Price of one unit in the currency's minor unit (cents). */
  unitAmount: z.number().int().nonnegative().max(100_000_000),
});

export const approverSchema = z.object({
  email,
  /** Asked instead of the approver when the step is escalated. */
  managerEmail: email,
});

/** Thresholds (inclusive, minor units) and durations; every field has a default. */
export const approvalPolicySchema = z.object({
  oneApproverFrom: z.number().int().nonnegative().default(100_000),
  twoApproversFrom: z.number().int().positive().default(1_000_000),
  reminderAfter: duration.default('24h'),
  escalateAfter: duration.default('48h'),
  autoRejectAfter: duration.default('7d'),
}).strict();

/** Input of `purchaseApproval`; validates `POST /v1/runs` and is served as JSON Schema. */
export const purchaseApprovalInputSchema = z
  .object({
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, . _ - (max 100), starting with a letter or digit'),
    requester: z.object({ email, name: z.string().trim().min(1).max(200) }),
    costCentre: z.string().trim().min(1).max(64),
    supplier: z.string().trim().min(1).max(200),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code in upper case, e.g. EUR'),
    lines: z.array(purchaseLineSchema).min(1).max(500),
    /** The approval chain, in order: the first approver, then the second. Only as many as the total needs are asked. */
    approvers: z.array(approverSchema).max(2).default([]),
    policy: approvalPolicySchema.default(() => approvalPolicySchema.parse({})),
    /**
     * Connector instances; erp.main and email.main when absent. Not strict: the API fills in the
     * configured defaults of every kind, and the kinds this process does not use are dropped.
     */
    connectors: z.object({ erp: z.string().min(1).optional(), email: z.string().min(1).optional() }).optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    const { policy } = input;
    if (policy.twoApproversFrom <= policy.oneApproverFrom) {
      ctx.addIssue({ code: 'custom', path: ['policy', 'twoApproversFrom'], message: 'must be greater than policy.oneApproverFrom' });
    }
    const [reminderMs, escalateMs] = [millisecondsOf(policy.reminderAfter), millisecondsOf(policy.escalateAfter)];
    if (reminderMs !== null && escalateMs !== null && escalateMs <= reminderMs) {
      ctx.addIssue({ code: 'custom', path: ['policy', 'escalateAfter'], message: 'must be longer than policy.reminderAfter' });
    }
    const total = requestTotal(input.lines);
    const needed = approvalsRequired(total, policy);
    if (Number.isFinite(total) && input.approvers.length < needed) {
      ctx.addIssue({
        code: 'custom',
        path: ['approvers'],
        message: `a total of ${total} (minor units) needs ${needed} approver${needed === 1 ? '' : 's'}, ${input.approvers.length} given`,
      });
    }
    const approverEmails = input.approvers.map((approver) => approver.email);
    input.approvers.forEach((approver, index) => {
      if (approver.email === input.requester.email) {
        ctx.addIssue({ code: 'custom', path: ['approvers', index, 'email'], message: 'the requester may not approve their own request' });
      }
      if (approver.managerEmail === input.requester.email || approver.managerEmail === approver.email) {
        ctx.addIssue({ code: 'custom', path: ['approvers', index, 'managerEmail'], message: 'must be someone other than the requester and the approver' });
      }
      if (approverEmails.indexOf(approver.email) !== index) {
        ctx.addIssue({ code: 'custom', path: ['approvers', index, 'email'], message: 'two approvals must come from two different people' });
      }
    });
  });

export type PurchaseApprovalInput = z.infer<typeof purchaseApprovalInputSchema>;
/** The input as a business system sends it: `approvers`, `policy` and its fields may be left out. */
export type PurchaseApprovalRequest = z.input<typeof purchaseApprovalInputSchema>;

/** Argument of the `approve` update. */
export const approveArgsSchema = z
  .object({ approver: email, comment: z.string().trim().max(2000).optional() })
  .strict();

/** Argument of the `reject` update: the comment is the reason the requester is told. */
export const rejectArgsSchema = z
  .object({ approver: email, comment: z.string().trim().min(1, 'a rejection needs a reason').max(2000) })
  .strict();
