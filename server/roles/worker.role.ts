import { createActivities } from '../../activities';
import type { Config } from '../../config';
import type { ConnectorResolver } from '../../connectors/spi';
import { loadApprovalPolicies } from '../approvals/approval-policies-file';
import type { Models } from '../db/models';
import { getLogger } from '../../logging/logger';
import { temporalAddress } from '../temporal/connection';
import { payloadCodecOf } from '../temporal/payload-codec';
import { createJunctionWorker } from '../worker/worker';
import type { RunningRole } from './role';

export async function startWorkerRole(
  config: Config,
  connectors: ConnectorResolver,
  models?: Models,
): Promise<RunningRole> {
  // Read before the worker polls: a bad policy file stops the start (ConfigError) instead of failing purchase requests.
  const approvalPolicies = await loadApprovalPolicies(config.approvalPoliciesFile);
  const junctionWorker = await createJunctionWorker(
    {
      address: temporalAddress(config),
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      apiKey: config.temporal.apiKey,
      shutdownGraceSeconds: config.shutdownGraceSeconds,
      payloadCodec: payloadCodecOf(config),
    },
    createActivities({ connectors, models, approvalPolicies }),
  );
  const done = junctionWorker.run();
  getLogger().info('worker polling', {
    taskQueue: config.temporal.taskQueue,
    namespace: config.temporal.namespace,
    approvalPolicies: {
      file: approvalPolicies.source,
      policies: approvalPolicies.policies.map((policy) => policy.name),
    },
  });
  return { name: 'worker', done, stop: () => junctionWorker.shutdown() };
}
