import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** pending until Temporal accepted the delivery (done) or the intake gave up on it (dead: a dead letter). */
export type InboxStatus = 'pending' | 'done' | 'dead';

/**
 * One received event (event_inbox, unique on source + event id). Written before the sender is
 * answered 202; server/intake reads and updates it (inbox-repository.ts is the only writer).
 */
export class InboxEvent extends Model<InferAttributes<InboxEvent>, InferCreationAttributes<InboxEvent>> {
  declare id: CreationOptional<number>;
  declare source: string;
  declare eventId: string;
  /** The event as received (parsed JSON). */
  declare payload: unknown;
  declare status: InboxStatus;
  /** Delivery attempts made so far (each a Temporal call). */
  declare attempts: CreationOptional<number>;
  declare lastError: string | null;
  declare workflowType: CreationOptional<string | null>;
  declare workflowId: string | null;
  declare businessKey: CreationOptional<string | null>;
  /** The resolved Temporal call (server/intake/delivery-command.ts); null only on rows older than migration 004. */
  declare command: unknown;
  declare runId: CreationOptional<string | null>;
  declare outcome: CreationOptional<string | null>;
  /** When the row is next due; the sweeper re-enqueues pending rows overdue by INTAKE_SWEEP_AFTER_SECONDS. */
  declare nextAttemptAt: CreationOptional<Date | null>;
  declare deadReason: CreationOptional<string | null>;
  declare importId: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof InboxEvent {
    return InboxEvent.init(
      {
        id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
        source: { type: DataTypes.STRING(60), allowNull: false },
        eventId: { type: DataTypes.STRING(255), allowNull: false },
        payload: { type: DataTypes.JSON, allowNull: false },
        status: { type: DataTypes.STRING(20), allowNull: false },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lastError: { type: DataTypes.TEXT, allowNull: true },
        workflowType: { type: DataTypes.STRING(100), allowNull: true },
        workflowId: { type: DataTypes.STRING(255), allowNull: true },
        businessKey: { type: DataTypes.STRING(255), allowNull: true },
        command: { type: DataTypes.JSON, allowNull: true },
        runId: { type: DataTypes.STRING(64), allowNull: true },
        outcome: { type: DataTypes.STRING(20), allowNull: true },
        nextAttemptAt: { type: DataTypes.DATE(3), allowNull: true },
        deadReason: { type: DataTypes.STRING(60), allowNull: true },
        importId: { type: DataTypes.STRING(64), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'event_inbox' },
    );
  }
}
