import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * What the event intake needs beside the inbox row of 001: the resolved delivery (process, business
 * key and the Temporal command), its outcome (run id), when it is next due (retry backoff; the
 * sweeper re-enqueues rows overdue by INTAKE_SWEEP_AFTER_SECONDS), why it became a dead letter,
 * and the import a row came from. All nullable: rows written before this migration stay valid.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('event_inbox', 'workflow_type', { type: DataTypes.STRING(100), allowNull: true });
  await qi.addColumn('event_inbox', 'business_key', { type: DataTypes.STRING(255), allowNull: true });
  /** The Temporal call to make (server/intake/delivery-command.ts), resolved and validated when the event was accepted. */
  await qi.addColumn('event_inbox', 'command', { type: DataTypes.JSON, allowNull: true });
  await qi.addColumn('event_inbox', 'run_id', { type: DataTypes.STRING(64), allowNull: true });
  /** started, existing, signalled, updated or run-closed once done. */
  await qi.addColumn('event_inbox', 'outcome', { type: DataTypes.STRING(20), allowNull: true });
  await qi.addColumn('event_inbox', 'next_attempt_at', { type: DataTypes.DATE(3), allowNull: true });
  await qi.addColumn('event_inbox', 'dead_reason', { type: DataTypes.STRING(60), allowNull: true });
  await qi.addColumn('event_inbox', 'import_id', { type: DataTypes.STRING(64), allowNull: true });
  await qi.sequelize.query("UPDATE event_inbox SET next_attempt_at = updated_at WHERE status = 'pending'");
  await qi.addIndex('event_inbox', ['status', 'next_attempt_at'], { name: 'event_inbox_status_next_attempt' });
  await qi.addIndex('event_inbox', ['status', 'created_at'], { name: 'event_inbox_status_created' });
  await qi.addIndex('event_inbox', ['import_id'], { name: 'event_inbox_import' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const index of ['event_inbox_import', 'event_inbox_status_created', 'event_inbox_status_next_attempt'])
    await qi.removeIndex('event_inbox', index);
  for (const column of [
    'import_id',
    'dead_reason',
    'next_attempt_at',
    'outcome',
    'run_id',
    'command',
    'business_key',
    'workflow_type',
  ]) {
    await qi.removeColumn('event_inbox', column);
  }
}
