/**
 * The failure converter of an encrypting deployment (TEMPORAL_PAYLOAD_ENCRYPTION=on), loaded by
 * path (DataConverter.failureConverterPath) into the client, the worker and the workflow bundle.
 * A failure's message and stack trace are plain strings in the history unless
 * `encodeCommonAttributes` moves them into a payload ("Encoded failure" stays as the message),
 * which the payload codec then encrypts like any other: an error that quotes a customer's email
 * must not be the one readable thing in an encrypted history. Decoding needs no option: every
 * DefaultFailureConverter reads encoded attributes back.
 *
 * Runs inside the workflow sandbox too: import nothing but @temporalio/common.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
