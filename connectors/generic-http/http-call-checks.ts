/**
 * What a flow may put into a request of an `http/http` instance, checked before anything is sent:
 * the path stays below the configured base URL, and the headers cannot replace what the
 * connector owns (credentials, the host, the idempotency key) or steer the connection
 * (hop-by-hop headers). A refusal is INVALID_REQUEST: the same request would be refused again.
 */
import { ConnectorError, invalidRequest } from '../connector-error';
import { ConnectorErrorCode } from '../connector-error-codes';
import type { HttpCallMethod, HttpCallRequest } from '../spi';
import { HEADER_NAME } from './generic-http.settings';

export const HTTP_CALL_METHODS: readonly HttpCallMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** Methods that change something: they carry the idempotency key. */
export const WRITE_METHODS: readonly HttpCallMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Headers the connector or the HTTP layer sets; a request may not. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'host',
  'idempotency-key',
  'content-length',
  // Hop-by-hop (RFC 9110 §7.6.1) and their relatives: they steer the connection, not the call.
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** `scheme:` or `//host`: a path that names its own destination. */
const NAMES_DESTINATION = /^(?:[a-z][a-z\d+\-.]*:|[\\/]{2})/i;
/** The characters that end a path or turn a segment separator around. */
const FORBIDDEN_PATH_CHARACTERS = /[\\?#]/;

/** Controls and spaces (U+0000–U+0020, U+007F): a path is one token on the request line. */
function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}
/** `.` and `..` segments, also percent-encoded (`%2e%2E`), which a server may decode before routing. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** A path that would leave the base URL: refused like the shared client refuses an absolute URL. */
function leavesBase(connector: string, message: string): never {
  throw new ConnectorError(`${connector}: ${message}`, {
    code: ConnectorErrorCode.DestinationRefused,
    retryable: false,
  });
}

/**
 * The path as sent (with a leading `/`), or a refusal. `baseUrl` + path must stay on the base
 * URL's origin and below its path: checked on the parsed URL too, whatever the text looked like.
 */
export function checkedPath(connector: string, baseUrl: string, path: string): string {
  if (NAMES_DESTINATION.test(path))
    return leavesBase(connector, 'the path must be relative to the base URL, not a URL');
  if (FORBIDDEN_PATH_CHARACTERS.test(path) || hasControlOrSpace(path))
    return fail(connector, 'the path must not contain spaces, control characters, \\, ? or # (put the query in query)');
  const relative = path.startsWith('/') ? path : `/${path}`;
  if (relative.split('/').some((segment) => DOT_SEGMENT.test(segment)))
    return leavesBase(connector, 'the path must not contain . or .. segments');
  const base = new URL(baseUrl);
  const target = new URL(base.href + relative);
  const basePath = base.pathname.replace(/\/+$/, '');
  if (target.origin !== base.origin || !target.pathname.startsWith(`${basePath}/`))
    return leavesBase(connector, 'the path must stay below the base URL');
  return relative;
}

function fail(connector: string, message: string): never {
  throw invalidRequest(connector, message);
}

/** The request's headers, checked; `authHeader` is the header the instance's auth scheme writes. */
export function checkedHeaders(
  connector: string,
  headers: Record<string, string> | undefined,
  authHeader: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) fail(connector, `'${name.slice(0, 60)}' is not an HTTP header name`);
    if (RESERVED_HEADERS.has(lower) || lower === authHeader)
      fail(connector, `the header ${lower} is set by the connector, not by the request`);
    if (typeof value !== 'string' || /[\r\n]/.test(value) || value.includes('\u0000'))
      fail(connector, `the header ${lower} must be a string on one line`);
    out[lower] = value;
  }
  return out;
}

/** Method, query and body shapes the SPI promises; a flow's values arrive unchecked by TypeScript. */
export function checkedRequestShape(connector: string, request: HttpCallRequest): void {
  if (!HTTP_CALL_METHODS.includes(request.method))
    fail(connector, `the method must be one of ${HTTP_CALL_METHODS.join(', ')}`);
  if (typeof request.path !== 'string') fail(connector, 'the path must be a string');
  for (const [name, value] of Object.entries(request.query ?? {}))
    if (typeof value !== 'string') fail(connector, `the query parameter ${name.slice(0, 60)} must be a string`);
  if (request.method === 'GET' && request.body !== undefined) fail(connector, 'a GET request has no body');
}
