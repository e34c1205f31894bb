import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** Where one incremental sync stands between runs (migration 003-sync-cursors). */
export class SyncCursor extends Model<InferAttributes<SyncCursor>, InferCreationAttributes<SyncCursor>> {
  declare syncName: string;
  declare cursor: string | null;
  declare tail: string[];
  /** Incremented by every save; a save names the version it writes (optimistic concurrency). */
  declare version: number;
  declare lastWorkflowId: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof SyncCursor {
    return SyncCursor.init(
      {
        syncName: { type: DataTypes.STRING(100), primaryKey: true },
        cursor: { type: DataTypes.TEXT, allowNull: true },
        tail: { type: DataTypes.JSON, allowNull: false },
        version: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        lastWorkflowId: { type: DataTypes.STRING(255), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'sync_cursors' },
    );
  }
}
