import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class ApiKey extends Model<InferAttributes<ApiKey>, InferCreationAttributes<ApiKey>> {
  declare id: CreationOptional<number>;
  declare name: string;
  /** The public, unique part of the key; used to find the row. */
  declare prefix: string;
  /** `sha256$<hex>` of the secret part (190+ random bits, so no slow hash is needed); the secret itself is never stored. */
  declare secretHash: string;
  declare scopes: string[];
  /** The person (lower-case email) the key was issued to; null for a system's key. */
  declare actsAs: CreationOptional<string | null>;
  declare expiresAt: Date | null;
  declare revokedAt: Date | null;
  declare lastUsedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof ApiKey {
    return ApiKey.init(
      {
        id: { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true },
        name: { type: DataTypes.STRING(100), allowNull: false },
        prefix: { type: DataTypes.STRING(32), allowNull: false, unique: true },
        secretHash: { type: DataTypes.STRING(128), allowNull: false },
        scopes: { type: DataTypes.JSON, allowNull: false },
        actsAs: { type: DataTypes.STRING(254), allowNull: true, field: 'acts_as' },
        expiresAt: { type: DataTypes.DATE(3), allowNull: true },
        revokedAt: { type: DataTypes.DATE(3), allowNull: true },
        lastUsedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'api_keys' },
    );
  }
}
