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
}

export const progressQuery = defineQuery<Progress>('progress');
