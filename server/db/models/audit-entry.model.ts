import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class AuditEntry extends Model<InferAttributes<AuditEntry>, InferCreationAttributes<AuditEntry>> {
  declare id: CreationOptional<number>;
  declare at: Date;
  declare actor: string;
  declare action: string;
  declare target: string | null;
  declare requestId: string | null;
  declare outcome: 'success' | 'failure';
  declare statusCode: number | null;
  declare details: Record<string, unknown> | null;

  static initModel(sequelize: Sequelize): typeof AuditEntry {
    return AuditEntry.init(
      {
        id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
        at: { type: DataTypes.DATE(3), allowNull: false },
        actor: { type: DataTypes.STRING(120), allowNull: false },
        action: { type: DataTypes.STRING(120), allowNull: false },
        target: { type: DataTypes.STRING(255), allowNull: true },
        requestId: { type: DataTypes.STRING(64), allowNull: true },
        outcome: { type: DataTypes.STRING(20), allowNull: false },
        statusCode: { type: DataTypes.INTEGER, allowNull: true },
        details: { type: DataTypes.JSON, allowNull: true },
      },
      { sequelize, tableName: 'audit_log', timestamps: false },
    );
  }
}
