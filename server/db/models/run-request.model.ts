import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** One Idempotency-Key of POST /v1/runs, per caller (migration 006). */
export class RunRequest extends Model<InferAttributes<RunRequest>, InferCreationAttributes<RunRequest>> {
  declare id: CreationOptional<number>;
  declare caller: string;
  declare idempotencyKey: string;
  declare requestHash: string;
  declare workflowType: string;
  /** null while the first request with the key is still starting its run. */
  declare workflowId: string | null;
  declare runId: string | null;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof RunRequest {
    return RunRequest.init(
      {
        id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
        caller: { type: DataTypes.STRING(64), allowNull: false },
        idempotencyKey: { type: DataTypes.STRING(255), allowNull: false },
        requestHash: { type: DataTypes.CHAR(64), allowNull: false },
        workflowType: { type: DataTypes.STRING(100), allowNull: false },
        workflowId: { type: DataTypes.STRING(255), allowNull: true },
        runId: { type: DataTypes.STRING(64), allowNull: true },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'run_requests', updatedAt: false },
    );
  }
}
