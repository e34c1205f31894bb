import { QueryTypes } from 'sequelize';
import type { ApiKey } from '../db/models';
import type { ApiKeySummary, ApiKeysService, CreatedKey } from './api-keys.service';

export interface BootstrapAdminRequest {
  name: string;
  /** undefined: the default lifetime; null: never expires. */
  expiresAt: Date | null | undefined;
  /** Create a key even when an active admin key exists. */
  force: boolean;
}

export type BootstrapAdminResult = { created: CreatedKey } | { existing: ApiKeySummary };

/** A MySQL named lock: held by one connection at a time, across every process on the database. */
const LOCK_NAME = 'junction.keys.bootstrap-admin';
const LOCK_WAIT_SECONDS = 10;

/**
 * Creates the first admin key of an install, or finds the active one. Several replicas may run
 * it at once on start-up (an init step per pod), so the check and the create hold a named lock:
 * exactly one of them creates the key.
 */
export async function bootstrapAdminKey(
  deps: { keys: ApiKeysService; apiKeys: typeof ApiKey },
  request: BootstrapAdminRequest,
): Promise<BootstrapAdminResult> {
  const sequelize = deps.apiKeys.sequelize;
  if (!sequelize) throw new Error('bootstrapAdminKey: the ApiKey model is not bound to a database');
  // A named lock belongs to a connection; the transaction only pins one for the lock's lifetime.
  return sequelize.transaction(async (transaction) => {
    const [lock] = await sequelize.query<{ acquired: number | null }>('SELECT GET_LOCK(?, ?) AS acquired', {
      replacements: [LOCK_NAME, LOCK_WAIT_SECONDS],
      type: QueryTypes.SELECT,
      transaction,
    });
    if (lock?.acquired !== 1)
      throw new Error(`another bootstrap-admin held the lock for more than ${LOCK_WAIT_SECONDS} s; try again`);
    try {
      if (!request.force) {
        const existing = (await deps.keys.listKeys()).find(
          (key) => key.status === 'active' && key.scopes.includes('admin'),
        );
        if (existing) return { existing };
      }
      // Written outside the transaction, so it is committed before the lock is released.
      return {
        created: await deps.keys.createKey({
          name: request.name,
          scopes: ['admin'],
          ...(request.expiresAt !== undefined ? { expiresAt: request.expiresAt } : {}),
        }),
      };
    } finally {
      await sequelize.query('SELECT RELEASE_LOCK(?)', {
        replacements: [LOCK_NAME],
        type: QueryTypes.SELECT,
        transaction,
      });
    }
  });
}
