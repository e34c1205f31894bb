/**
 * config/approval-policies.yaml (APPROVAL_POLICIES_FILE): who approves purchase requests, decided
 * on the server and never by the request (format: approval-policies.schema.ts).
 *
 *   policies:
 *     default:
 *       thresholds: { EUR: { oneApproverFrom: 100000, twoApproversFrom: 1000000 } }
 *       approvers:
 *         - { email: alan@example.com, managerEmail: ada@example.com }
 *         - { email: margaret@example.com, managerEmail: john@example.com }
 *     it-equipment:
 *       costCentres: [CC-4711]
 *       …
 *
 * The worker reads it at start-up; each problem names the policy and the field
 * (`policies.default.thresholds.EUR.twoApproversFrom: …`), and a bad file stops the start
 * (a ConfigError: exit code 78).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../../config';
import { parseYamlConfig } from '../../config/yaml-config-file';
import { approvalPoliciesFileSchema, DEFAULT_POLICY, type ApprovalPolicyEntry } from './approval-policies.schema';

/** config/approval-policies.yaml of this checkout. */
export const DEFAULT_APPROVAL_POLICIES_FILE = resolve(__dirname, '../../config/approval-policies.yaml');

export interface NamedApprovalPolicy extends ApprovalPolicyEntry {
  name: string;
}

/** The loaded policies, read-only. */
export interface ApprovalPolicies {
  /** Where they were read from, for messages. */
  readonly source: string;
  readonly policies: readonly NamedApprovalPolicy[];
  /** The policy of this cost centre, else the default; null when there is neither. */
  policyFor(costCentre: string): NamedApprovalPolicy | null;
}

const costCentreKey = (costCentre: string) => costCentre.trim().toUpperCase();

/** Indexes checked policies by cost centre; `source` names them in messages. */
export function approvalPoliciesOf(policies: readonly NamedApprovalPolicy[], source: string): ApprovalPolicies {
  const byCostCentre = new Map<string, NamedApprovalPolicy>();
  for (const policy of policies)
    for (const costCentre of policy.costCentres ?? []) byCostCentre.set(costCentreKey(costCentre), policy);
  const fallback = policies.find((policy) => policy.name === DEFAULT_POLICY) ?? null;
  return {
    source,
    policies,
    policyFor: (costCentre) => byCostCentre.get(costCentreKey(costCentre)) ?? fallback,
  };
}

/** Parses and checks the file's text; throws a ConfigError naming the file, the policy and each bad field. */
export function parseApprovalPoliciesFile(text: string, source = 'approval-policies.yaml'): ApprovalPolicies {
  const fail = (problems: string[]) => new ConfigError(problems.map((problem) => `${source}: ${problem}`));
  const file = parseYamlConfig(text, approvalPoliciesFileSchema, source);

  const problems: string[] = [];
  const claimedBy = new Map<string, string>();
  const policies: NamedApprovalPolicy[] = [];
  for (const [name, entry] of Object.entries(file.policies ?? {})) {
    if (name === DEFAULT_POLICY && entry.costCentres) {
      problems.push(
        `policies.${name}.costCentres: the default policy decides for every cost centre no other policy names; it lists none`,
      );
    }
    if (name !== DEFAULT_POLICY && !entry.costCentres) {
      problems.push(
        `policies.${name}.costCentres: must list the cost centres this policy decides for (only "${DEFAULT_POLICY}" applies to all others)`,
      );
    }
    (entry.costCentres ?? []).forEach((costCentre, index) => {
      const earlier = claimedBy.get(costCentreKey(costCentre));
      if (earlier !== undefined)
        problems.push(
          `policies.${name}.costCentres[${index}]: ${costCentre} is already decided by policy "${earlier}"`,
        );
      else claimedBy.set(costCentreKey(costCentre), name);
    });
    policies.push({ name, ...entry });
  }
  if (problems.length > 0) throw fail(problems);
  return approvalPoliciesOf(policies, source);
}

/**
 * Reads APPROVAL_POLICIES_FILE, else config/approval-policies.yaml. No file at the default path
 * means no policies: purchase requests then fail, naming the missing policy, and nothing else is
 * affected. A file that was named but cannot be read stops the start.
 */
export async function loadApprovalPolicies(file: string | null): Promise<ApprovalPolicies> {
  const path = resolve(file ?? DEFAULT_APPROVAL_POLICIES_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && file === null) return approvalPoliciesOf([], path);
    throw new ConfigError([`APPROVAL_POLICIES_FILE: ${path} cannot be read: ${(error as Error).message}`]);
  }
  return parseApprovalPoliciesFile(text, path);
}
