import { DataTypes, type QueryInterface } from 'sequelize';

const timestamps = {
  created_at: { type: DataTypes.DATE(3), allowNull: false },
  updated_at: { type: DataTypes.DATE(3), allowNull: false },
};

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('api_keys', {
    id: { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true },
    name: { type: DataTypes.STRING(100), allowNull: false },
    prefix: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    secret_hash: { type: DataTypes.STRING(128), allowNull: false },
    scopes: { type: DataTypes.JSON, allowNull: false },
    expires_at: { type: DataTypes.DATE(3), allowNull: true },
    revoked_at: { type: DataTypes.DATE(3), allowNull: true },
    last_used_at: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps,
  });

  await qi.createTable('connector_instances', {
    name: { type: DataTypes.STRING(100), primaryKey: true },
    kind: { type: DataTypes.STRING(20), allowNull: false },
    vendor: { type: DataTypes.STRING(60), allowNull: false },
    settings: { type: DataTypes.JSON, allowNull: false },
    credentials_ciphertext: { type: DataTypes.BLOB, allowNull: true },
    credentials_key_id: { type: DataTypes.STRING(40), allowNull: true },
    enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    ...timestamps,
  });

  await qi.createTable('audit_log', {
    id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
    at: { type: DataTypes.DATE(3), allowNull: false },
    actor: { type: DataTypes.STRING(120), allowNull: false },
    action: { type: DataTypes.STRING(120), allowNull: false },
    target: { type: DataTypes.STRING(255), allowNull: true },
    request_id: { type: DataTypes.STRING(64), allowNull: true },
    outcome: { type: DataTypes.STRING(20), allowNull: false },
    status_code: { type: DataTypes.INTEGER, allowNull: true },
    details: { type: DataTypes.JSON, allowNull: true },
  });
  await qi.addIndex('audit_log', ['at']);
  await qi.addIndex('audit_log', ['actor', 'at']);

  await qi.createTable('event_inbox', {
    id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
    source: { type: DataTypes.STRING(60), allowNull: false },
    event_id: { type: DataTypes.STRING(255), allowNull: false },
    payload: { type: DataTypes.JSON, allowNull: false },
    status: { type: DataTypes.STRING(20), allowNull: false },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    last_error: { type: DataTypes.TEXT, allowNull: true },
    workflow_id: { type: DataTypes.STRING(255), allowNull: true },
    ...timestamps,
  });
  await qi.addIndex('event_inbox', ['source', 'event_id'], { unique: true, name: 'event_inbox_source_event_id' });
  await qi.addIndex('event_inbox', ['status', 'updated_at']);

  // Exactly-once email over SMTP, which has no idempotency of its own: a send is recorded
  // under its idempotency key, and a repeated key returns the recorded message id.
  await qi.createTable('email_outbox', {
    idempotency_key: { type: DataTypes.STRING(255), primaryKey: true },
    connector: { type: DataTypes.STRING(100), allowNull: false },
    message_id: { type: DataTypes.STRING(255), allowNull: false },
    status: { type: DataTypes.STRING(20), allowNull: false },
    ...timestamps,
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of ['email_outbox', 'event_inbox', 'audit_log', 'connector_instances', 'api_keys']) {
    await qi.dropTable(table);
  }
}
