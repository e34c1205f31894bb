import { Client, Connection } from '@temporalio/client';
import type { Config } from '../../config';
import { temporalAddress, type TemporalClients } from '../temporal/connection';

/**
 * The intake consumer's own Temporal connection. After an outage grpc-js waits up to two minutes
 * between reconnection attempts, and every delivery would meanwhile sit out its deadline and
 * fail (with few attempts, into a dead letter) although Temporal is back: this channel tries
 * again at least every 5 s. Otherwise it is the connection every role uses (connection.ts).
 */
export async function connectIntakeTemporal(config: Config): Promise<TemporalClients> {
  const apiKey = config.temporal.apiKey;
  const connection = await Connection.connect({
    address: temporalAddress(config),
    ...(apiKey ? { apiKey, tls: true } : {}),
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 500, 'grpc.max_reconnect_backoff_ms': 5_000 },
  });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return { connection, client, close: () => connection.close() };
}
