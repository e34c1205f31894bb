import { Client, Connection } from '@temporalio/client';
import { LOCAL_TEMPORAL_ADDRESS, type Config } from '../../config';

export interface TemporalClients {
  connection: Connection;
  client: Client;
  close(): Promise<void>;
}

/** The address roles use: TEMPORAL_ADDRESS, or the local dev server that `npm start` runs. */
export function temporalAddress(config: Config): string {
  return config.temporal.address ?? LOCAL_TEMPORAL_ADDRESS;
}

/** Connects a client; with TEMPORAL_API_KEY set, uses TLS and the key (Temporal Cloud). */
export async function connectTemporalClient(config: Config): Promise<TemporalClients> {
  const apiKey = config.temporal.apiKey;
  const connection = await Connection.connect({
    address: temporalAddress(config),
    ...(apiKey ? { apiKey, tls: true } : {}),
  });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return { connection, client, close: () => connection.close() };
}
