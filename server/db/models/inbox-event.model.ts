import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export type InboxStatus = 'pending' | 'done' | 'dead';

export class InboxEvent extends Model<InferAttributes<InboxEvent>, InferCreationAttributes<InboxEvent>> {
  declare id: CreationOptional<number>;
  declare source: string;
  declare eventId: string;
  declare payload: unknown;
  declare status: InboxStatus;
  declare attempts: CreationOptional<number>;
  declare lastError: string | null;
  declare workflowId: string | null;
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
        workflowId: { type: DataTypes.STRING(255), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'event_inbox' },
    );
  }
}
