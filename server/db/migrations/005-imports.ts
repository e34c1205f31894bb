import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Bulk imports (POST /v1/imports): one row per import with its counters and outcome, and the
 * first rejected lines of each (server/imports). The inbox rows an import accepted carry its id
 * in event_inbox.import_id (migration 004).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('imports', {
    id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
    source: { type: DataTypes.STRING(60), allowNull: false },
    /** csv or ndjson. */
    format: { type: DataTypes.STRING(10), allowNull: false },
    /** running, completed or failed. */
    status: { type: DataTypes.STRING(20), allowNull: false },
    /** Why a failed import stopped (too-large, backlog-full, interrupted, invalid-header, line-too-long). */
    failure_code: { type: DataTypes.STRING(40), allowNull: true },
    failure_detail: { type: DataTypes.STRING(1000), allowNull: true },
    /** The audit actor string of the caller. */
    actor: { type: DataTypes.STRING(120), allowNull: false },
    lines_read: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
    rows_read: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
    accepted: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
    duplicates: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
    rejected: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
    finished_at: { type: DataTypes.DATE(3), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    /** Moved at least every few seconds while the import runs: a running import whose clock stopped was interrupted. */
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('imports', ['status', 'updated_at'], { name: 'imports_status_updated' });

  await qi.createTable('import_rejections', {
    import_id: {
      type: DataTypes.BIGINT.UNSIGNED,
      primaryKey: true,
      references: { model: 'imports', key: 'id' },
      onDelete: 'CASCADE',
    },
    /** The line of the file where the rejected record starts (1 is a CSV file's header). */
    line: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true },
    /** malformed-line, invalid-row or missing-event-id. */
    code: { type: DataTypes.STRING(40), allowNull: false },
    message: { type: DataTypes.STRING(1000), allowNull: false },
    /** [{ field, message }] naming the offending fields, as a 400 of POST /v1/events does. */
    errors: { type: DataTypes.JSON, allowNull: true },
    event_id: { type: DataTypes.STRING(255), allowNull: true },
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('import_rejections');
  await qi.dropTable('imports');
}
