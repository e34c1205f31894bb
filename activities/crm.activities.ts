import type { Contact, ContactInput, ConnectorResolver } from '../connectors/spi';
import { callConnector } from './connector-failure';

export interface UpsertCrmContactInput {
  connector: string;
  contact: ContactInput;
  idempotencyKey: string;
}

export function createCrmActivities(connectors: ConnectorResolver) {
  return {
    async upsertCrmContact({
      connector,
      contact,
      idempotencyKey,
    }: UpsertCrmContactInput): Promise<Pick<Contact, 'id' | 'email'>> {
      const crm = connectors.resolve('crm', connector);
      const saved = await callConnector(() => crm.upsertContact(contact, { idempotencyKey }));
      return { id: saved.id, email: saved.email };
    },
  };
}
