import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** One document of a sandbox vendor (a contact, a sales order, a payment, a stock level …). */
export class SandboxRecord extends Model<InferAttributes<SandboxRecord>, InferCreationAttributes<SandboxRecord>> {
  declare id: string;
  declare instance: string;
  declare collection: string;
  declare naturalKey: string | null;
  declare idempotencyKey: string | null;
  declare data: Record<string, unknown>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof SandboxRecord {
    return SandboxRecord.init(
      {
        id: { type: DataTypes.STRING(40), primaryKey: true },
        instance: { type: DataTypes.STRING(100), allowNull: false },
        collection: { type: DataTypes.STRING(40), allowNull: false },
        naturalKey: { type: DataTypes.STRING(255), allowNull: true },
        idempotencyKey: { type: DataTypes.STRING(255), allowNull: true },
        data: { type: DataTypes.JSON, allowNull: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'sandbox_records' },
    );
  }
}

/** A fault the sandbox injects into the next `remaining` calls of an operation (NULL: all). */
export class SandboxFault extends Model<InferAttributes<SandboxFault>, InferCreationAttributes<SandboxFault>> {
  declare id: CreationOptional<number>;
  declare instance: string;
  declare operation: string;
  declare code: string;
  declare remaining: number | null;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof SandboxFault {
    return SandboxFault.init(
      {
        id: { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true },
        instance: { type: DataTypes.STRING(100), allowNull: false },
        operation: { type: DataTypes.STRING(60), allowNull: false },
        code: { type: DataTypes.STRING(40), allowNull: false },
        remaining: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'sandbox_faults', updatedAt: false },
    );
  }
}

/** The sandbox's tables, bound to the process's database (server/db/models binds them with the others). */
export interface SandboxModels {
  SandboxRecord: typeof SandboxRecord;
  SandboxFault: typeof SandboxFault;
}
