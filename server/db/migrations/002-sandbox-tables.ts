import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Storage for the sandbox vendors (connectors/sandbox): a small document store shared by the
 * sandbox CRM, ERP and payment connectors, and a table of injected faults for demos and tests.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('sandbox_records', {
    id: { type: DataTypes.STRING(40), primaryKey: true },
    instance: { type: DataTypes.STRING(100), allowNull: false },
    collection: { type: DataTypes.STRING(40), allowNull: false },
    natural_key: { type: DataTypes.STRING(255), allowNull: true },
    idempotency_key: { type: DataTypes.STRING(255), allowNull: true },
    data: { type: DataTypes.JSON, allowNull: false },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('sandbox_records', ['instance', 'collection', 'natural_key'], {
    unique: true,
    name: 'sandbox_records_natural_key',
  });
  await qi.addIndex('sandbox_records', ['instance', 'collection', 'idempotency_key'], {
    unique: true,
    name: 'sandbox_records_idempotency_key',
  });
  await qi.addIndex('sandbox_records', ['instance', 'collection', 'updated_at']);

  await qi.createTable('sandbox_faults', {
    id: { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true },
    instance: { type: DataTypes.STRING(100), allowNull: false },
    operation: { type: DataTypes.STRING(60), allowNull: false },
    code: { type: DataTypes.STRING(40), allowNull: false },
    /** How many calls still fail; NULL = every call until the fault is removed. */
    remaining: { type: DataTypes.INTEGER, allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('sandbox_faults', ['instance', 'operation']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('sandbox_faults');
  await qi.dropTable('sandbox_records');
}
