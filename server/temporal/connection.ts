import { Client, Connection } from '@temporalio/client';
import { LOCAL_TEMPORAL_ADDRESS, type Config } from '../../config';
import { temporalDataConverter } from './data-converter';
import { payloadCodecOf } from './payload-codec';

export interface TemporalClients {
  connection: Connection;
  client: Client;
  close(): Promise<void>;
}

/** The address roles use: TEMPORAL_ADDRESS, or the local dev server that `npm start` runs. */
export function temporalAddress(config: Config): string {
  return config.temporal.address ?? LOCAL_TEMPORAL_ADDRESS;
}

/**
 * After an outage grpc-js waits up to two minutes between reconnection attempts, so a role would
 * keep failing its calls (intake deliveries into dead letters, API requests into 503s) although
 * Temporal is back: the channel tries again at least every 5 s.
 */
const RECONNECT_CHANNEL_ARGS = { 'grpc.initial_reconnect_backoff_ms': 500, 'grpc.max_reconnect_backoff_ms': 5_000 };

/**
 * Connects a client; with TEMPORAL_API_KEY set, uses TLS and the key (Temporal Cloud). With
 * payload encryption on, it encrypts what it sends and decrypts what it reads, failures included.
 */
export async function connectTemporalClient(config: Config): Promise<TemporalClients> {
  const apiKey = config.temporal.apiKey;
  const connection = await Connection.connect({
    address: temporalAddress(config),
    ...(apiKey ? { apiKey, tls: true } : {}),
    channelArgs: RECONNECT_CHANNEL_ARGS,
  });
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: temporalDataConverter(payloadCodecOf(config)),
  });
  return { connection, client, close: () => connection.close() };
}
