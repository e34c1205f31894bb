/**
 * The scope grammar. A key (or an OIDC token) carries scopes:
 *   runs:read | runs:write                 every process
 *   runs:read:<type> | runs:write:<type>   one process of the catalog (`runs:write:orderToCash`)
 *   runs:read:* | runs:write:*             the same as runs:read / runs:write
 *   runs:infrastructure                    a run's input may choose infrastructure (connector instances, invoicing path)
 *   runs:reset                             reset a failed run to a step (POST /v1/runs/{id}/reset)
 *   schedules:write | connectors:write
 *   flows:read                             read published flows (/v1/flows) and validate one (dryRun)
 *   flows:write                            publish, deprecate and retire flows; implies flows:read
 *   admin                                  implies every scope
 * A process-limited scope names a workflow type; creating a key checks a code process's type
 * against the catalog, and a flow's (`runs:write:flow:<name>`) by its syntax only, since flows are
 * published at run time and a key may come before its flow. This module only knows the syntax (a
 * token may name a process this deployment lacks: it grants nothing then).
 */

/** Scopes without a process part. `admin` implies all of them, and every process scope. */
export const SCOPES = [
  'runs:read',
  'runs:write',
  'runs:infrastructure',
  'runs:reset',
  'schedules:write',
  'connectors:write',
  'flows:read',
  'flows:write',
  'admin',
] as const;
export type PlainScope = (typeof SCOPES)[number];

/** The scopes that may be limited to one process. */
export const PROCESS_ACTIONS = ['runs:read', 'runs:write'] as const;
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

/** `runs:write:orderToCash`, or `runs:write:*` (every process). */
export type ProcessScope = `${ProcessAction}:${string}`;
export type Scope = PlainScope | ProcessScope;

/**
 * The type part: a workflow type (an exported function name) in a conservative charset, or a
 * flow's `flow:<name>` (a DSL document name: letters, digits and inner hyphens); `*` means every
 * process. The action is matched as a prefix, so the `:` of a flow type is no ambiguity.
 */
const PROCESS_TYPE = /^(?:[A-Za-z][A-Za-z0-9_.-]{0,99}|flow:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$/;
const FLOW_TYPE_PREFIX = 'flow:';

/** A plain scope that another implies, beside `admin` implying all. */
const IMPLIED_BY: Partial<Record<PlainScope, PlainScope>> = { 'flows:read': 'flows:write' };
const ALL_PROCESSES = '*';

/** The grammar in one line, for messages. */
export const SCOPE_GRAMMAR = `${SCOPES.join(', ')}, runs:read:<workflow type>, runs:write:<workflow type> (a flow's type is flow:<name>; :* for every process)`;

export type ParsedScope =
  { kind: 'plain'; scope: PlainScope } | { kind: 'process'; action: ProcessAction; type: string };

/** The scope's parts; null when it is not a scope. `runs:read:*` parses as the plain `runs:read`. */
export function parseScope(value: string): ParsedScope | null {
  if ((SCOPES as readonly string[]).includes(value)) return { kind: 'plain', scope: value as PlainScope };
  for (const action of PROCESS_ACTIONS) {
    const prefix = `${action}:`;
    if (!value.startsWith(prefix)) continue;
    const type = value.slice(prefix.length);
    if (type === ALL_PROCESSES) return { kind: 'plain', scope: action };
    return PROCESS_TYPE.test(type) ? { kind: 'process', action, type } : null;
  }
  return null;
}

export function isScope(value: string): value is Scope {
  return parseScope(value) !== null;
}

/**
 * Why a scope may not be given to a key, or null when it may: it must be a scope, and a
 * process-limited one must name a type of the catalog.
 */
export function scopeProblem(value: string, knownTypes: readonly string[]): string | null {
  const parsed = parseScope(value);
  if (!parsed) return `"${value}" is not a scope; scopes are ${SCOPE_GRAMMAR}`;
  if (parsed.kind === 'process' && !parsed.type.startsWith(FLOW_TYPE_PREFIX) && !knownTypes.includes(parsed.type)) {
    return `"${value}" names no workflow type of the catalog (known: ${knownTypes.join(', ')})`;
  }
  return null;
}

/** The scope as one process needs it, for messages: `runs:write:orderToCash`. */
export function processScope(action: ProcessAction, type: string): ProcessScope {
  return `${action}:${type}`;
}

/** Holds the plain scope: `admin`, the scope itself, one that implies it (flows:write → flows:read), or (for runs:read/runs:write) its `:*` form. */
export function grants(scopes: readonly Scope[], required: PlainScope): boolean {
  return scopes.some((scope) => {
    const parsed = parseScope(scope);
    return (
      parsed?.kind === 'plain' &&
      (parsed.scope === 'admin' || parsed.scope === required || parsed.scope === IMPLIED_BY[required])
    );
  });
}

/** May act (`runs:read` or `runs:write`) on runs of this process type. */
export function grantsProcess(scopes: readonly Scope[], action: ProcessAction, type: string): boolean {
  const granted = processesGranted(scopes, action);
  return granted === 'all' || granted.includes(type);
}

/**
 * The process types the scopes allow the action on: 'all' for `admin`, the plain scope or its
 * `:*` form; otherwise the types named (possibly none).
 */
export function processesGranted(scopes: readonly Scope[], action: ProcessAction): 'all' | string[] {
  if (grants(scopes, action)) return 'all';
  const types = new Set<string>();
  for (const scope of scopes) {
    const parsed = parseScope(scope);
    if (parsed?.kind === 'process' && parsed.action === action) types.add(parsed.type);
  }
  return [...types];
}

/** Holds the action for at least one process: what a route acting on runs of some type asks first. */
export function grantsAnyProcess(scopes: readonly Scope[], action: ProcessAction): boolean {
  const granted = processesGranted(scopes, action);
  return granted === 'all' || granted.length > 0;
}

/** A verified API key, as the key store answers it: never its secret. */
export interface VerifiedKey {
  keyId: number;
  name: string;
  prefix: string;
  scopes: readonly Scope[];
  /** The person (lower-case email) the key was issued to; null for a system's key. */
  actsAs: string | null;
}

export interface KeyPrincipal extends VerifiedKey {
  kind: 'key';
}

/** A caller authenticated by an OIDC access token (a JWT) from the configured issuer. */
export interface OidcPrincipal {
  kind: 'oidc';
  /** The token's `sub` claim. */
  subject: string;
  issuer: string;
  scopes: readonly Scope[];
  /** The token's email claim (OIDC_EMAIL_CLAIM), lower-cased; null when it carries none. */
  email: string | null;
}

/** Who is calling: the verified key or token subject, never the credential itself. */
export type Principal = KeyPrincipal | OidcPrincipal;

/**
 * The person a caller speaks for, as a lower-case email: an OIDC token's email claim, or the
 * `actsAs` a key was issued with. null for a system's key or a token without an email: such a
 * caller may do what its scopes allow but cannot decide as a person (approvals).
 */
export function personOf(principal: Principal | undefined): string | null {
  if (!principal) return null;
  return principal.kind === 'oidc' ? principal.email : principal.actsAs;
}
