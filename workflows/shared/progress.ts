import { defineQuery } from '@temporalio/workflow';
import type { ProcessStatusValue } from './search-attributes';

export interface CompensationRecord {
  step: string;
  outcome: 'done' | 'failed';
  error?: string;
}

/** What every process answers to the `progress` query. */
export interface Progress {
  status: ProcessStatusValue;
  currentStep: string | null;
  stepsDone: string[];
  compensations: CompensationRecord[];
  failure?: { step: string; type: string | null; message: string };
  /** Set while the run waits for a person's decision (approval processes). */
  pending?: PendingApproval;
  /** Process-specific figures (counts, totals, bounded lists of failures), documented by each process. */
  details?: ProgressDetails;
}

/** JSON values only: the query result is serialised as JSON. */
export type ProgressDetails = Readonly<Record<string, unknown>>;

/** Who must decide now, since when, and at which step of the approval chain. */
export interface PendingApproval {
  /** 1-based step of the chain, out of `steps`. */
  step: number;
  steps: number;
  /** Email of the person asked now: the manager once the step was escalated. */
  approver: string;
  /** ISO-8601 instant the current approver was asked. */
  since: string;
  escalated: boolean;
  /** After escalation: the approver first asked, who may still decide. */
  escalatedFrom?: string;
}

export const progressQuery = defineQuery<Progress>('progress');
