/**
 * How a flow's `call: http` names where it goes (docs/connectors.md, "Generic HTTP"). DSL 1.0 requires an
 * absolute URI (or a runtime expression) as the endpoint, and a flow must never carry a
 * destination or a credential of its own, so Junction's endpoints are URIs of its own scheme that
 * name a connector instance of kind http and a path below that instance's base URL:
 *
 *     endpoint: connector://http.billing/invoices/{invoiceId}
 *     endpoint: { uri: connector://http.billing/invoices }
 *
 * `{name}` is an RFC 6570 simple variable, filled from the task's input (the DSL's rule for URI
 * templates) with the value percent-encoded; the values must be strings, numbers or booleans.
 * Pure: the interpreter (sandbox) and the publish-time checks (server/flows/http-calls.ts) share it.
 */
import type { HttpCallMethod } from '../../connectors/spi';

export const CONNECTOR_ENDPOINT_SCHEME = 'connector';

export interface HttpEndpoint {
  /** `http.billing`. */
  connector: string;
  /** `/invoices/{invoiceId}`: starts with `/`. */
  pathTemplate: string;
  /** The variables of the template, in order (`['invoiceId']`). */
  variables: string[];
}

export type ParsedHttpEndpoint = { ok: true; endpoint: HttpEndpoint } | { ok: false; problem: string };

const ENDPOINT = /^connector:\/\/([^/?#]*)(\/[^?#]*)?$/;
const HTTP_INSTANCE = /^http\.[a-z0-9](?:[a-z0-9._-]{0,88}[a-z0-9])?$/;
const VARIABLE = /\{([A-Za-z0-9_]+)\}/g;
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;
const METHODS: readonly HttpCallMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The URI of `with.endpoint`: the string itself or its `uri`. */
export function endpointUri(endpoint: unknown): unknown {
  return typeof endpoint === 'object' && endpoint !== null && !Array.isArray(endpoint)
    ? (endpoint as Record<string, unknown>).uri
    : endpoint;
}

/** Reads `connector://<http instance>/<path template>` (the string or the `uri` of `with.endpoint`). */
export function parseHttpEndpoint(endpoint: unknown): ParsedHttpEndpoint {
  const uri = endpointUri(endpoint);
  const example = 'write connector://http.<name>/<path>, e.g. connector://http.billing/invoices/{invoiceId}';
  if (typeof uri !== 'string') return { ok: false, problem: `the endpoint must be a URI: ${example}` };
  if (/^\s*\$\{/.test(uri))
    return {
      ok: false,
      problem: `the endpoint must be written out, not a runtime expression, so publishing can check the instance: ${example}, with {name} filled from the task input`,
    };
  const match = ENDPOINT.exec(uri);
  if (!match)
    return {
      ok: false,
      problem: /^[a-z][a-z0-9+.-]*:/i.test(uri)
        ? `a flow calls no URL of its own: name a connector instance of kind http instead; ${example}`
        : `the endpoint is not a connector URI: ${example}`,
    };
  const connector = match[1] ?? '';
  const pathTemplate = match[2] ?? '/';
  if (!HTTP_INSTANCE.test(connector))
    return { ok: false, problem: `'${connector}' is not an http instance name (http.<name>): ${example}` };
  const literal = pathTemplate.replace(VARIABLE, 'x');
  if (/[{}\s\\]/.test(literal))
    return {
      ok: false,
      problem: 'the path may hold {name} variables only (no spaces, \\ or other template operators)',
    };
  if (pathTemplate.split('/').some((segment) => DOT_SEGMENT.test(segment)))
    return { ok: false, problem: 'the path must not contain . or .. segments' };
  const variables = [...pathTemplate.matchAll(VARIABLE)].map((found) => found[1] ?? '');
  return { ok: true, endpoint: { connector, pathTemplate, variables } };
}

/** The path with each `{name}` replaced by the task input's `name`, percent-encoded; throws naming a missing or unusable variable. */
export function expandHttpPath(pathTemplate: string, input: unknown): string {
  const scope = typeof input === 'object' && input !== null && !Array.isArray(input) ? input : {};
  return pathTemplate.replace(VARIABLE, (_whole, name: string) => {
    const value = (scope as Record<string, unknown>)[name];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return encodeURIComponent(String(value));
    throw new Error(`the endpoint variable {${name}} needs a string, number or boolean '${name}' in the task input`);
  });
}

/** The SPI method of a DSL `with.method` (`post` → POST), or null for any other. */
export function httpCallMethod(method: unknown): HttpCallMethod | null {
  if (typeof method !== 'string') return null;
  const upper = method.toUpperCase() as HttpCallMethod;
  return METHODS.includes(upper) ? upper : null;
}
