import { z } from 'zod';
import type { ApprovalPolicy, ChainLink } from './approval-rules';

const email = z.string().trim().toLowerCase().pipe(z.email());

export const purchaseLineSchema = z.object({
  sku: z.string().trim().min(1).max(64),
  description: z.string().trim().min(1).max(200).optional(),
  quantity: z.number().int().positive().max(100_000),
  /** Price of one unit in the currency's minor unit (cents). */
  unitAmount: z.number().int().nonnegative().max(100_000_000),
});

/** The answer to a request that tries to choose who approves it. */
export const SET_BY_POLICY = 'is set by the approval policy on the server, not by the request';

/**
 * A field the request may not carry: who approves, and from which amount, is the server's
 * approval policy (config/approval-policies.yaml). Shown in the JSON Schema as `not: {}`.
 */
const setByPolicy = (what: string) =>
  z
    .never({ error: SET_BY_POLICY })
    .optional()
    .meta({ description: `Not accepted: ${what} ${SET_BY_POLICY} (config/approval-policies.yaml, by cost centre).` });

/** Input of `purchaseApproval`; validates `POST /v1/runs` and is served as JSON Schema. */
export const purchaseApprovalInputSchema = z
  .object({
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, . _ - (max 100), starting with a letter or digit'),
    requester: z.object({ email, name: z.string().trim().min(1).max(200) }),
    /** Chooses the approval policy: the cost centre's own, else the default. */
    costCentre: z.string().trim().min(1).max(64),
    supplier: z.string().trim().min(1).max(200),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code in upper case, e.g. EUR'),
    lines: z.array(purchaseLineSchema).min(1).max(500),
    approvers: setByPolicy('the approver chain'),
    policy: setByPolicy('the thresholds and durations'),
    /**
     * Connector instances; erp.main and email.main when absent. Not strict: the API fills in the
     * configured defaults of every kind, and the kinds this process does not use are dropped.
     */
    connectors: z.object({ erp: z.string().min(1).optional(), email: z.string().min(1).optional() }).optional(),
  })
  .strict();

/** The input as a business system sends it. */
export type PurchaseApprovalRequest = z.input<typeof purchaseApprovalInputSchema>;

/**
 * The workflow's input. Runs started before the approval policy moved to the server (histories
 * without the `approval-policy-from-server` patch marker) carried the chain and the policy in
 * their input and keep deciding by them; every later run ignores both.
 */
export type PurchaseApprovalInput = Omit<z.infer<typeof purchaseApprovalInputSchema>, 'approvers' | 'policy'> & {
  /** Only in runs recorded before the approval policy moved to the server. */
  approvers?: ChainLink[];
  /** Only in runs recorded before the approval policy moved to the server. */
  policy?: ApprovalPolicy;
};

/**
 * Who decides: the API fills it in from the caller's credential (an API key issued to the person,
 * or an OIDC token's email) and refuses a body naming anyone else; the catalog declares it as the
 * update's actor.
 */
const decidingPerson = email.optional().meta({
  description: "The person deciding. Filled in from the caller's credential; if sent, it must be that person.",
});

/** Argument of the `approve` update. */
export const approveArgsSchema = z
  .object({ approver: decidingPerson, comment: z.string().trim().max(2000).optional() })
  .strict();

/** Argument of the `reject` update: the comment is the reason the requester is told. */
export const rejectArgsSchema = z
  .object({ approver: decidingPerson, comment: z.string().trim().min(1, 'a rejection needs a reason').max(2000) })
  .strict();
