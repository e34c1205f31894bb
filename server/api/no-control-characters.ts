/**
 * Text without control characters: the code points of Unicode's Cc category (C0, DEL, C1), spelt
 * as ranges rather than `\p{Cc}` because the pattern goes into /openapi.json, and clients and
 * fuzzers that generate values from it (Schemathesis, Hypothesis) cannot build `\p{…}` classes.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f]*$/;
