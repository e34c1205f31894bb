/** OpenAPI description of the codec endpoint (mounted only with TEMPORAL_PAYLOAD_ENCRYPTION=on). */
import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from 'zod-openapi';
import { errorResponses, jsonBody, jsonResponse, problemResponse } from '../openapi/problem.schema';
import { authenticated } from '../openapi/operation';
import { codecPayloadsSchema } from './codec.schemas';

const namespaceHeader = z.object({
  'x-namespace': z.string().optional().meta({
    description:
      'The namespace the payloads belong to (sent by the Web UI and CLI); must be TEMPORAL_NAMESPACE when present (absent: TEMPORAL_NAMESPACE). Another answers 400 `namespace-mismatch`.',
  }),
});

const encrypted = {
  payloads: [
    {
      metadata: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==', 'encryption-key-id': 'M2Y5YzFhMmI0ZDVlNmY3MA==' },
      data: 'AQ...',
    },
  ],
};
const plain = { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'eyJvcmRlcklkIjoiMTAwMSJ9' }] };

function codecOperation(direction: 'encode' | 'decode'): ZodOpenApiOperationObject {
  const decode = direction === 'decode';
  return authenticated(decode ? 'runs:read' : 'runs:write', {
    operationId: decode ? 'codecDecode' : 'codecEncode',
    tags: ['runs'],
    summary: decode
      ? 'Decrypt payloads for the Temporal Web UI or CLI'
      : 'Encrypt payloads for the Temporal Web UI or CLI',
    description: [
      "Temporal's remote codec protocol: a Payloads message in proto3 JSON (metadata values and data base64) in, the same shape out. " +
        (decode
          ? 'Payloads that are not encrypted come back unchanged; an encrypted one under a key that is neither JUNCTION_MASTER_KEY nor one of JUNCTION_PREVIOUS_MASTER_KEYS, or altered, answers 400.'
          : 'Every payload comes back encrypted under the current key (for inputs typed into the Web UI or CLI).'),
      'Exists only with `TEMPORAL_PAYLOAD_ENCRYPTION=on`. Browsers may call it from `TEMPORAL_UI_ORIGIN` only (CORS). ' +
        (decode
          ? "Decoded payloads are the runs' business data, hence `runs:read`."
          : 'An encrypted payload is one the worker trusts as written by Junction (an input, a signal, a result), hence `runs:write`.') +
        ' Bounded by the API request timeout (503).',
    ].join('\n\n'),
    requestParams: { header: namespaceHeader },
    requestBody: jsonBody(codecPayloadsSchema, decode ? encrypted : plain),
    responses: {
      '200': jsonResponse(
        decode ? 'The decrypted payloads, in order.' : 'The encrypted payloads, in order.',
        codecPayloadsSchema,
        decode ? plain : encrypted,
      ),
      ...errorResponses(413, 415),
      '400': problemResponse(
        'The body is not a Payloads message, X-Namespace names another namespace, or (decode) a payload cannot be decrypted: unknown key id or altered.',
      ),
    },
  });
}

export const codecPaths: ZodOpenApiPathsObject = {
  '/codec/encode': { post: codecOperation('encode') },
  '/codec/decode': { post: codecOperation('decode') },
};
