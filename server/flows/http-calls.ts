/**
 * Publish-time rules of `call: http` (the spelling is in workflows/flow/http-endpoint.ts): the
 * endpoint names a configured instance of kind http and a path below its base URL, never a URL of
 * its own; the method is one the connector sends; nothing in the task carries a credential
 * (authentication, credential-like headers or query parameters): auth comes from the instance's
 * settings and its credentials in the vault.
 */
import { endpointUri, httpCallMethod, parseHttpEndpoint } from '../../workflows/flow/http-endpoint';
import type { ConnectorInstancesByKind } from './connector-calls';
import type { FlowIssue } from './flow-issue';
import { isJsonObject, pointer, type JsonObject, type TaskNode } from './task-tree';

/** Set by the connector or the HTTP layer, never by a flow. */
const RESERVED_HEADERS = new Set([
  'host',
  'idempotency-key',
  'content-length',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
/** Names that carry credentials by convention: the instance's auth sends them, not the flow. */
const CREDENTIAL_HEADER = /authorization|cookie|api[-_]?key|token|secret|password/i;
const CREDENTIAL_PARAMETER =
  /^(?:access_token|refresh_token|id_token|token|api[-_]?key|key|password|passwd|pwd|secret|client_secret|signature|sig)$/i;
const FROM_INSTANCE = 'credentials come from the http connector instance (its settings.auth and vault credentials)';

export function httpCallIssues(tasks: readonly TaskNode[], instances: ConnectorInstancesByKind): FlowIssue[] {
  const issues: FlowIssue[] = [];
  for (const node of tasks) {
    if (node.task.call !== 'http') continue;
    const add = (path: string, rule: FlowIssue['rule'], message: string): void => {
      issues.push({ path: node.path + path, rule, task: node.path, message: `Task '${node.name}': ${message}` });
    };
    const args = isJsonObject(node.task.with) ? node.task.with : {};
    endpointIssues(args, instances, add);
    if (httpCallMethod(args.method) === null)
      add(pointer('with', 'method'), 'http-call', 'with.method must be get, post, put, patch or delete, written out');
    if (args.output === 'raw')
      add(
        pointer('with', 'output'),
        'http-call',
        'with.output raw is not supported: use content (the default) or response',
      );
    if (args.redirect === true)
      add(
        pointer('with', 'redirect'),
        'http-call',
        'with.redirect true is not supported: connectors never follow redirects',
      );
    headerIssues(args, add);
    queryIssues(args, add);
  }
  return issues;
}

/** `use.authentications` declares credentials in the flow itself. */
export function flowAuthenticationIssues(document: JsonObject): FlowIssue[] {
  const use = isJsonObject(document.use) ? document.use : {};
  if (!('authentications' in use)) return [];
  return [
    {
      path: pointer('use', 'authentications'),
      rule: 'http-authentication',
      message: `use.authentications is not supported: ${FROM_INSTANCE}`,
    },
  ];
}

type Add = (path: string, rule: FlowIssue['rule'], message: string) => void;

function endpointIssues(args: JsonObject, instances: ConnectorInstancesByKind, add: Add): void {
  const endpoint = args.endpoint;
  if (isJsonObject(endpoint) && 'authentication' in endpoint)
    add(
      pointer('with', 'endpoint', 'authentication'),
      'http-authentication',
      `no authentication in a flow: ${FROM_INSTANCE}`,
    );
  const at = isJsonObject(endpoint) ? pointer('with', 'endpoint', 'uri') : pointer('with', 'endpoint');
  const parsed = parseHttpEndpoint(endpoint);
  if (!parsed.ok) {
    add(at, 'http-call', parsed.problem);
    return;
  }
  const known = instances.http ?? [];
  if (!known.includes(parsed.endpoint.connector))
    add(
      at,
      'unknown-connector',
      `'${parsed.endpoint.connector}' is not a configured http connector instance (configured: ${known.join(', ') || 'none'}); endpoint ${String(endpointUri(endpoint))}`,
    );
}

function headerIssues(args: JsonObject, add: Add): void {
  if (!isJsonObject(args.headers)) return;
  for (const name of Object.keys(args.headers)) {
    const at = pointer('with', 'headers', name);
    if (CREDENTIAL_HEADER.test(name)) add(at, 'http-authentication', `no ${name} header in a flow: ${FROM_INSTANCE}`);
    else if (RESERVED_HEADERS.has(name.toLowerCase()))
      add(at, 'http-call', `the ${name.toLowerCase()} header is set by the connector, not by a flow`);
  }
}

function queryIssues(args: JsonObject, add: Add): void {
  if (!isJsonObject(args.query)) return;
  for (const name of Object.keys(args.query))
    if (CREDENTIAL_PARAMETER.test(name))
      add(
        pointer('with', 'query', name),
        'http-authentication',
        `no ${name} query parameter in a flow: ${FROM_INSTANCE}`,
      );
}
