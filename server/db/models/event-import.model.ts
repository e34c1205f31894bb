import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export type ImportStatus = 'running' | 'completed' | 'failed';
export type ImportFormat = 'csv' | 'ndjson';

/** One bulk import of events from a file (imports, migration 005); server/imports/import-repository.ts is its only writer. */
export class EventImport extends Model<InferAttributes<EventImport>, InferCreationAttributes<EventImport>> {
  declare id: CreationOptional<number>;
  declare source: string;
  declare format: ImportFormat;
  declare status: ImportStatus;
  declare failureCode: CreationOptional<string | null>;
  declare failureDetail: CreationOptional<string | null>;
  declare actor: string;
  declare linesRead: CreationOptional<number>;
  declare rowsRead: CreationOptional<number>;
  declare accepted: CreationOptional<number>;
  declare duplicates: CreationOptional<number>;
  declare rejected: CreationOptional<number>;
  declare finishedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof EventImport {
    return EventImport.init(
      {
        id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
        source: { type: DataTypes.STRING(60), allowNull: false },
        format: { type: DataTypes.STRING(10), allowNull: false },
        status: { type: DataTypes.STRING(20), allowNull: false },
        failureCode: { type: DataTypes.STRING(40), allowNull: true },
        failureDetail: { type: DataTypes.STRING(1000), allowNull: true },
        actor: { type: DataTypes.STRING(120), allowNull: false },
        linesRead: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
        rowsRead: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
        accepted: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
        duplicates: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
        rejected: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
        finishedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'imports' },
    );
  }
}

/** A line an import rejected (import_rejections): the first IMPORT_REJECTIONS_KEPT of each import are kept. */
export class ImportRejection extends Model<InferAttributes<ImportRejection>, InferCreationAttributes<ImportRejection>> {
  declare importId: number;
  declare line: number;
  declare code: string;
  declare message: string;
  declare errors: { field: string; message: string }[] | null;
  declare eventId: string | null;

  static initModel(sequelize: Sequelize): typeof ImportRejection {
    return ImportRejection.init(
      {
        importId: { type: DataTypes.BIGINT.UNSIGNED, primaryKey: true },
        line: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true },
        code: { type: DataTypes.STRING(40), allowNull: false },
        message: { type: DataTypes.STRING(1000), allowNull: false },
        errors: { type: DataTypes.JSON, allowNull: true },
        eventId: { type: DataTypes.STRING(255), allowNull: true },
      },
      { sequelize, tableName: 'import_rejections', timestamps: false },
    );
  }
}
