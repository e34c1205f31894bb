import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Issue 12, flows as a managed resource: one row per published flow version, immutable but for its
 * status. (name, version) is unique: a version, once published, always means the same document.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('flow_versions', {
    id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
    /** `document.name` of the flow (the `<name>` of workflow type `flow:<name>`). */
    name: { type: DataTypes.STRING(63), allowNull: false },
    /** `document.version`, a semantic version. */
    version: { type: DataTypes.STRING(64), allowNull: false },
    /** SHA-256 (hex) of the document's canonical JSON: what "the same content" means. */
    content_hash: { type: DataTypes.CHAR(64), allowNull: false },
    /** `document.title` and `document.summary`, kept beside the document so listings need not read it. */
    title: { type: DataTypes.STRING(255), allowNull: true },
    summary: { type: DataTypes.TEXT, allowNull: true },
    /** The validated document as JSON, the form a run carries. */
    document: { type: DataTypes.JSON, allowNull: false },
    /** The text as it was published (YAML or JSON), comments included. */
    source: { type: DataTypes.TEXT('medium'), allowNull: false },
    media_type: { type: DataTypes.STRING(100), allowNull: false },
    /** published | deprecated | retired */
    status: { type: DataTypes.STRING(20), allowNull: false },
    /** The actor (audit form: `key:<id> (<name>)`, `oidc:…`, `config:<file>`) that published it. */
    published_by: { type: DataTypes.STRING(120), allowNull: false },
    /** Who last changed the status, and when; null while it is as published. */
    status_changed_by: { type: DataTypes.STRING(120), allowNull: true },
    status_changed_at: { type: DataTypes.DATE(3), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('flow_versions', ['name', 'version'], { name: 'flow_versions_name_version', unique: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('flow_versions');
}
