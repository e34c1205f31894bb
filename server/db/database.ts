import type { Sequelize } from 'sequelize';
import { initModels, type Models } from './models';
import { createSequelize } from './sequelize';

export interface Database {
  sequelize: Sequelize;
  models: Models;
  close(): Promise<void>;
}

/** Opens the application database (the schema must already be migrated). */
export function openDatabase(databaseUrl: string): Database {
  const sequelize = createSequelize(databaseUrl);
  const models = initModels(sequelize);
  return { sequelize, models, close: () => sequelize.close() };
}
