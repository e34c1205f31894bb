import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export const FLOW_VERSION_STATUSES = ['published', 'deprecated', 'retired'] as const;
export type FlowVersionStatus = (typeof FLOW_VERSION_STATUSES)[number];

/** One published flow version (migration 007); only its status changes after it is written. */
export class FlowVersion extends Model<InferAttributes<FlowVersion>, InferCreationAttributes<FlowVersion>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare version: string;
  declare contentHash: string;
  declare title: string | null;
  declare summary: string | null;
  declare document: Record<string, unknown>;
  declare source: string;
  declare mediaType: string;
  declare status: FlowVersionStatus;
  declare publishedBy: string;
  declare statusChangedBy: string | null;
  declare statusChangedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof FlowVersion {
    return FlowVersion.init(
      {
        id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
        name: { type: DataTypes.STRING(63), allowNull: false },
        version: { type: DataTypes.STRING(64), allowNull: false },
        contentHash: { type: DataTypes.CHAR(64), allowNull: false },
        title: { type: DataTypes.STRING(255), allowNull: true },
        summary: { type: DataTypes.TEXT, allowNull: true },
        document: {
          type: DataTypes.JSON,
          allowNull: false,
          // MariaDB stores JSON as LONGTEXT, which the driver hands back as a string.
          get(): Record<string, unknown> {
            const raw: unknown = this.getDataValue('document');
            return (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>;
          },
        },
        source: { type: DataTypes.TEXT('medium'), allowNull: false },
        mediaType: { type: DataTypes.STRING(100), allowNull: false },
        status: { type: DataTypes.STRING(20), allowNull: false },
        publishedBy: { type: DataTypes.STRING(120), allowNull: false },
        statusChangedBy: { type: DataTypes.STRING(120), allowNull: true },
        statusChangedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'flow_versions' },
    );
  }
}
