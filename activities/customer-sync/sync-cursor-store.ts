/**
 * The cursor store of incremental syncs (table sync_cursors): the truth between runs of a sync,
 * whatever workflow ID a run has (a schedule gives each run its own). Saves are versioned: a run
 * writes version n+1 over version n only, so two runs of one sync cannot move the cursor behind
 * each other's back; the loser fails with SyncCursorConflict instead.
 */
import { ApplicationFailure } from '@temporalio/common';
import { UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import type { SyncCursor } from '../../server/db/models/sync-cursor.model';
import { SYNC_CURSOR_CONFLICT } from '../../workflows/customer-sync/customer-sync.types';

export interface StoredSyncCursor {
  /** The change feed's position; null: from the beginning. */
  cursor: string | null;
  /** Record versions already handled after `cursor` (the last, partial page of the previous run). */
  tail: string[];
  /** 0 when the sync never saved. */
  version: number;
}

export interface SaveSyncCursorInput {
  syncName: string;
  cursor: string | null;
  tail: string[];
  /** The version this save writes: the loaded (or last written) version + 1. */
  version: number;
  workflowId: string;
}

const tailSchema = z.array(z.string());

/** MariaDB returns JSON columns as text on some driver paths. */
function tailOf(row: SyncCursor): string[] {
  const raw: unknown = row.tail;
  return tailSchema.parse(typeof raw === 'string' ? JSON.parse(raw) : raw);
}

export class SyncCursorStore {
  constructor(private readonly model: typeof SyncCursor) {}

  async load(syncName: string): Promise<StoredSyncCursor> {
    const row = await this.model.findByPk(syncName);
    return row
      ? { cursor: row.cursor, tail: tailOf(row), version: row.version }
      : { cursor: null, tail: [], version: 0 };
  }

  /** Writes `version` over `version - 1`; a retry of a save that already landed is a no-op. */
  async save({ syncName, cursor, tail, version, workflowId }: SaveSyncCursorInput): Promise<void> {
    const values = { cursor, tail, version, lastWorkflowId: workflowId };
    if (version === 1) {
      try {
        await this.model.create({ syncName, ...values });
        return;
      } catch (error) {
        if (!(error instanceof UniqueConstraintError)) throw error;
      }
    } else {
      const [updated] = await this.model.update(values, { where: { syncName, version: version - 1 } });
      if (updated === 1) return;
    }
    const current = await this.model.findByPk(syncName);
    if (current && current.version === version && current.cursor === cursor && current.lastWorkflowId === workflowId)
      return;
    throw ApplicationFailure.nonRetryable(
      `The cursor of sync "${syncName}" is at version ${current?.version ?? 0} (last written by ${current?.lastWorkflowId ?? 'nobody'}), but this run expected ${version - 1}: another run of the same sync moved it.`,
      SYNC_CURSOR_CONFLICT,
    );
  }
}
