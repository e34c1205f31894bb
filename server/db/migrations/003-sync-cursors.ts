import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Where each incremental sync (customerSync) stands between runs: the vendor's change-feed cursor,
 * the record versions read past it, and a version number that every save increments, so two runs
 * of the same sync cannot move the cursor behind each other's back.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('sync_cursors', {
    sync_name: { type: DataTypes.STRING(100), primaryKey: true },
    /** Opaque to us (a vendor page token); NULL until the first page with a next page was read. */
    cursor: { type: DataTypes.TEXT, allowNull: true },
    /** `<contactId>@<updatedAt>` of records read after `cursor` (the last, partial page). */
    tail: { type: DataTypes.JSON, allowNull: false },
    version: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
    last_workflow_id: { type: DataTypes.STRING(255), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('sync_cursors');
}
