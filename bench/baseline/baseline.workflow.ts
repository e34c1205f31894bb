import { proxyActivities } from '@temporalio/workflow';
import type { BaselineActivities } from './baseline.activities';

const { noop } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '30 seconds' });

/** Bare Temporal: as many sequential activities as orderToCash's happy path runs, doing nothing. */
export async function baselineOrder(activityCount: number): Promise<number> {
  for (let i = 0; i < activityCount; i++) await noop(i);
  return activityCount;
}
