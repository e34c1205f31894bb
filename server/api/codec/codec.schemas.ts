import { z } from 'zod';

/** One Payload in proto3 JSON form: metadata values and data are base64 (the codec server protocol). */
export const jsonPayloadSchema = z.object({
  metadata: z.record(z.string(), z.base64()).nullish(),
  data: z.base64().nullish(),
});

/** The body of POST /codec/encode and /codec/decode, and of their answers. */
export const codecPayloadsSchema = z.object({
  payloads: z.array(jsonPayloadSchema).max(10_000),
});
