import type { Config } from '../../config';
import type { RegistryDeps } from '../../connectors/registry';
import { SequelizeOutboxStore } from '../db/email-outbox-store';
import type { Models } from '../db/models';

/** The registry's deps over this process's database: the email outbox and the sandbox's tables. */
export function registryDeps(config: Config, models: Models): RegistryDeps {
  return { config, outbox: new SequelizeOutboxStore(models.EmailOutboxEntry), sandbox: models };
}
