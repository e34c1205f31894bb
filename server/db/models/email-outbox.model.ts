import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class EmailOutboxEntry extends Model<
  InferAttributes<EmailOutboxEntry>,
  InferCreationAttributes<EmailOutboxEntry>
> {
  declare idempotencyKey: string;
  declare connector: string;
  declare messageId: string;
  /** `sending` before the SMTP transaction, `sent` after the server accepted it. */
  declare status: 'sending' | 'sent';
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof EmailOutboxEntry {
    return EmailOutboxEntry.init(
      {
        idempotencyKey: { type: DataTypes.STRING(255), primaryKey: true },
        connector: { type: DataTypes.STRING(100), allowNull: false },
        messageId: { type: DataTypes.STRING(255), allowNull: false },
        status: { type: DataTypes.STRING(20), allowNull: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'email_outbox' },
    );
  }
}
