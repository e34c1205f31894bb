import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class ConnectorInstance extends Model<
  InferAttributes<ConnectorInstance>,
  InferCreationAttributes<ConnectorInstance>
> {
  declare name: string;
  declare kind: string;
  declare vendor: string;
  declare settings: Record<string, unknown>;
  declare credentialsCiphertext: Buffer | null;
  declare credentialsKeyId: string | null;
  declare enabled: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof ConnectorInstance {
    return ConnectorInstance.init(
      {
        name: { type: DataTypes.STRING(100), primaryKey: true },
        kind: { type: DataTypes.STRING(20), allowNull: false },
        vendor: { type: DataTypes.STRING(60), allowNull: false },
        settings: { type: DataTypes.JSON, allowNull: false },
        credentialsCiphertext: { type: DataTypes.BLOB, allowNull: true },
        credentialsKeyId: { type: DataTypes.STRING(40), allowNull: true },
        enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'connector_instances' },
    );
  }
}
