/**
 * The one place that says how Junction's Temporal clients and workers convert data: with payload
 * encryption on, every payload through the codec (payload-codec.ts) and failure messages and
 * stack traces encoded into payloads first (encoded-failure-converter.ts), so the codec covers
 * them too; with it off, the SDK's defaults. connection.ts (every role's client) and
 * worker/worker.ts (the worker, and its workflow bundle) use it, so a client and a worker can
 * never disagree.
 */
import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** Path of the failure converter module, as the SDK loads it (client, worker, bundler). */
export const ENCODED_FAILURE_CONVERTER_PATH = require.resolve('./encoded-failure-converter');

/** The data converter of a client or worker: `codec` is payloadCodecOf(config), null when encryption is off. */
export function temporalDataConverter(codec: PayloadCodec | null | undefined): DataConverter {
  return codec ? { payloadCodecs: [codec], failureConverterPath: ENCODED_FAILURE_CONVERTER_PATH } : {};
}
