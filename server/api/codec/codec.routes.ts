import type { PayloadCodec } from '@temporalio/common';
import { JSONToPayload, payloadToJSON } from '../../temporal/sdk-internals';
import cors from 'cors';
import { Router, type RequestHandler } from 'express';
import { PayloadEncryptionError } from '../../temporal/payload-codec';
import { AppError } from '../../errors/app-error';
import type { ApiKeysService } from '../../auth/api-keys.service';
import { authorize } from '../middleware/authorize';
import { jsonBody } from '../middleware/json-body';
import { requestTimeout } from '../middleware/request-timeout';
import { validate } from '../validate';
import { codecPayloadsSchema } from './codec.schemas';

/** A Web UI decodes a whole history page at once: larger than the API's default body bound. */
const CODEC_BODY_LIMIT = '8mb';

export interface CodecRouteDeps {
  codec: PayloadCodec;
  /** TEMPORAL_NAMESPACE: the only namespace whose payloads this codec holds keys for. */
  namespace: string;
  /** TEMPORAL_UI_ORIGIN: the one browser origin allowed to call (CORS). */
  uiOrigin: string;
  keys: ApiKeysService;
  /** Caller identification and the rate limit, as on /v1 (the app's). */
  callerChecks: readonly RequestHandler[];
  /** API_REQUEST_TIMEOUT_MS, as on /v1: the codec is mounted before the app's own timeout (for its CORS). */
  requestTimeoutMs: number;
}

/**
 * Decoding shows what GET /v1/runs/:id shows: `runs:read`. Encoding needs `runs:write`: what it
 * returns is ciphertext under our key, which the worker takes for a payload we wrote, so an
 * encode is as good as a forged input, signal or result. Both need the unlimited scope (not
 * `runs:read:<type>`): a payload does not say which process it belongs to.
 */
const SCOPE_OF = { encode: 'runs:write', decode: 'runs:read' } as const;

/**
 * Temporal's remote codec protocol (POST /codec/encode, POST /codec/decode; proto3 JSON
 * `{ payloads }` in and out; `X-Namespace` names the namespace, absent means ours) for the Web UI
 * and `temporal --codec-endpoint`. Decoded payloads are business and personal data, so decoding
 * needs `runs:read`, like GET /v1/runs/:id, which shows the same data; encoding needs `runs:write`.
 */
export function codecRouter({
  codec,
  namespace,
  uiOrigin,
  keys,
  callerChecks,
  requestTimeoutMs,
}: CodecRouteDeps): Router {
  const router = Router();
  router.use(
    '/codec',
    cors({
      // A list, not a string: the cors package sends a string origin to every caller, a list only to a match.
      origin: [uiOrigin],
      methods: ['POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Namespace'],
      exposedHeaders: ['X-Request-Id'],
      credentials: false,
      maxAge: 600,
    }),
  );
  const convert =
    (direction: 'encode' | 'decode'): RequestHandler =>
    async (req, res) => {
      const requested = req.get('x-namespace');
      if (requested !== undefined && requested !== namespace) {
        throw new AppError({
          code: 'namespace-mismatch',
          status: 400,
          title: 'Wrong namespace',
          detail: `This codec serves namespace "${namespace}", not "${requested}".`,
        });
      }
      const body = validate(codecPayloadsSchema, req.body, 'request body');
      const payloads = body.payloads.map((payload) =>
        JSONToPayload({ metadata: payload.metadata ?? null, data: payload.data ?? null }),
      );
      let converted;
      try {
        converted = direction === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      } catch (error) {
        if (!(error instanceof PayloadEncryptionError)) throw error;
        // The protocol answers a codec failure with 400; the message names the key id or the tampering, never content.
        throw new AppError({
          code: `payload-${error.code}`,
          status: 400,
          title: 'Payload cannot be decoded',
          detail: error.message,
        });
      }
      res.json({ payloads: converted.map(payloadToJSON) });
    };
  for (const direction of ['encode', 'decode'] as const) {
    router.post(
      `/codec/${direction}`,
      requestTimeout(requestTimeoutMs),
      ...callerChecks,
      authorize(keys, SCOPE_OF[direction]),
      jsonBody(CODEC_BODY_LIMIT),
      convert(direction),
    );
  }
  return router;
}
