import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Sequelize } from 'sequelize';
import { getLogger } from '../../../logging/logger';
import { AppError } from '../../errors/app-error';
import { sendProblem } from '../middleware/error-handler';

export interface HealthDeps {
  sequelize: Sequelize;
  temporal: Client;
  /** An extra readiness condition of the hosting process (e.g. start-up finished). */
  ready?: () => Promise<void>;
  /** Bound on each check (default 2 s), so a hung dependency reads as "not ready", not a hang. */
  checkTimeoutMs?: number;
}

type CheckResult = 'ok' | 'failed';

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** /healthz (the process is alive) and /readyz (its dependencies answer). Neither needs a key. */
export function healthRouter(deps: HealthDeps): Router {
  const router = Router();
  const timeoutMs = deps.checkTimeoutMs ?? 2_000;
  const ready = deps.ready;
  const checks: Record<string, () => Promise<unknown>> = {
    database: () => within(timeoutMs, deps.sequelize.authenticate()),
    // Bounded by its gRPC deadline rather than a race: the SDK keeps retrying an abandoned call,
    // and a retry that fires after the connection is closed crashes the process.
    temporal: () =>
      deps.temporal.withDeadline(Date.now() + timeoutMs, () => deps.temporal.workflowService.getSystemInfo({})),
    ...(ready ? { app: () => within(timeoutMs, ready()) } : {}),
  };

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
        try {
          await check();
          return [name, 'ok'];
        } catch (error) {
          // The reason goes to the log only: /readyz is unauthenticated.
          getLogger().warn('readiness check failed', { check: name, error: (error as Error).message });
          return [name, 'failed'];
        }
      }),
    );
    const summary = Object.fromEntries(results);
    const failed = results.filter(([, result]) => result === 'failed').map(([name]) => name);
    if (failed.length === 0) {
      res.json({ status: 'ok', checks: summary });
      return;
    }
    const problem = AppError.unavailable(`Not ready: ${failed.join(', ')} unavailable.`);
    sendProblem(req, res, problem, { checks: summary });
  });

  return router;
}
