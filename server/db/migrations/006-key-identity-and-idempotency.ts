import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Wave-2 security (docs/security.md):
 * - `api_keys.acts_as`: the person (email) a key was issued to; an approval decision made with the
 *   key is that person's, and a key without one cannot decide.
 * - `run_requests`: the Idempotency-Key of each POST /v1/runs with the hash of its body, per
 *   caller, so a key reused with another body is refused (422) instead of answering the old run.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('api_keys', 'acts_as', { type: DataTypes.STRING(254), allowNull: true });

  await qi.createTable('run_requests', {
    id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
    /** The caller the key belongs to: `key:<id>` or `oidc:<issuer>#<subject>` hashed (see run-request store). */
    caller: { type: DataTypes.STRING(64), allowNull: false },
    idempotency_key: { type: DataTypes.STRING(255), allowNull: false },
    /** SHA-256 (hex) of the request's canonical JSON: type, input and businessKey. */
    request_hash: { type: DataTypes.CHAR(64), allowNull: false },
    workflow_type: { type: DataTypes.STRING(100), allowNull: false },
    workflow_id: { type: DataTypes.STRING(255), allowNull: true },
    run_id: { type: DataTypes.STRING(64), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('run_requests', ['caller', 'idempotency_key'], { name: 'run_requests_caller_key', unique: true });
  await qi.addIndex('run_requests', ['created_at'], { name: 'run_requests_created' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('run_requests');
  await qi.removeColumn('api_keys', 'acts_as');
}
