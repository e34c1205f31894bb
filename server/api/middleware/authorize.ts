import type { RequestHandler, Response } from 'express';
import { createBearerAuthenticator } from '../auth/bearer-authenticator';
import { AppError } from '../../errors/app-error';
import type { ApiKeysService } from '../../auth/api-keys.service';
import {
  grants,
  grantsAnyProcess,
  grantsProcess,
  personOf,
  processesGranted,
  processScope,
  type PlainScope,
  type Principal,
  type ProcessAction,
} from '../../auth/scopes';
import type { InfrastructureGuard } from '../../runs/infrastructure-fields';
import type { RunTypeGuard, StartGuards } from '../../runs/run-guard';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/** The 403 of a missing scope, naming the scope the caller would need. */
export function lacksScope(principal: Principal, scope: string, why = ''): AppError {
  return AppError.forbidden(
    `This ${principal.kind === 'oidc' ? 'token' : 'API key'} lacks "${scope}"${why ? `: ${why}` : '.'}`,
  );
}

/**
 * Identifies the caller and checks what it must hold: a plain scope, `anyProcess` (the action on at
 * least one process; the handler checks the process itself with requireProcess), or nothing.
 */
type Requirement = PlainScope | { anyProcess: ProcessAction } | null;

function authorizeWith(keys: ApiKeysService, requirement: Requirement): RequestHandler {
  const keysOnly = createBearerAuthenticator({ keys });
  return async (req, res, next) => {
    if (req.route) res.locals.route = `${req.baseUrl}${String(req.route.path)}`;
    let principal = res.locals.principal;
    if (!principal) {
      const header = req.get('authorization');
      if (!header)
        throw AppError.unauthorized(
          'This endpoint requires a credential: send "Authorization: Bearer <API key or access token>".',
        );
      const match = BEARER.exec(header);
      const found = match ? await keysOnly.authenticate(match[1]!) : null;
      if (!found) throw AppError.unauthorized('The bearer credential is invalid, revoked or expired.');
      principal = found;
      res.locals.principal = principal;
    }
    if (typeof requirement === 'string' && !grants(principal.scopes, requirement)) {
      throw AppError.forbidden(
        `This ${principal.kind === 'oidc' ? 'token' : 'API key'} lacks the "${requirement}" scope.`,
      );
    }
    if (requirement && typeof requirement === 'object' && !grantsAnyProcess(principal.scopes, requirement.anyProcess)) {
      throw lacksScope(
        principal,
        requirement.anyProcess,
        `it needs "${requirement.anyProcess}" or "${requirement.anyProcess}:<workflow type>".`,
      );
    }
    next();
  };
}

/**
 * Requires an authenticated caller (401 when the credential is missing, malformed, unknown,
 * revoked or expired) and, when a scope is given, the scope (403). The 401 detail does not say
 * which it was. The app identifies callers before routing (identifyCaller, with API keys and
 * OIDC tokens); a router mounted without it still accepts API keys here.
 */
export function authorize(keys: ApiKeysService, scope: PlainScope | null): RequestHandler {
  return authorizeWith(keys, scope);
}

/**
 * For routes that act on runs of one process: the caller must hold the action (`runs:read` or
 * `runs:write`) for some process; the handler then names the process with requireProcess once it
 * knows it (from the body, the run, the schedule or the event source).
 */
export function authorizeRuns(keys: ApiKeysService, action: ProcessAction): RequestHandler {
  return authorizeWith(keys, { anyProcess: action });
}

/** The authenticated caller; the authorize middleware put it there. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal;
  if (!principal) throw new Error('principalOf: the route is not behind authorize()');
  return principal;
}

/**
 * 403 unless the caller may act on runs of this type (`runs:write:orderToCash`, `runs:write`, `*`
 * or admin). A run of a type outside the catalog (a child workflow) needs the unlimited scope.
 */
export function requireProcess(principal: Principal, action: ProcessAction, type: string | null): void {
  if (type !== null && grantsProcess(principal.scopes, action, type)) return;
  if (type === null && grants(principal.scopes, action)) return;
  throw lacksScope(principal, type === null ? action : processScope(action, type));
}

/** True when the caller holds the action for every process, so no per-run check (or describe) is needed. */
export function holdsEveryProcess(principal: Principal, action: ProcessAction): boolean {
  return grants(principal.scopes, action);
}

/** A guard for a service that describes the run anyway; undefined for a caller who may act on every process (nothing to check). */
export function processGuard(principal: Principal, action: ProcessAction): RunTypeGuard | undefined {
  return holdsEveryProcess(principal, action) ? undefined : (type) => requireProcess(principal, action, type);
}

/** Lets a caller with `runs:infrastructure` (or admin) choose infrastructure; refuses anyone else with a 403 naming the fields. */
export function infrastructureGuard(principal: Principal, root = 'input'): InfrastructureGuard {
  return (fields) => {
    if (grants(principal.scopes, 'runs:infrastructure')) return;
    const named = fields.map((field) => (root ? `${root}.${field}` : field));
    const error = lacksScope(
      principal,
      'runs:infrastructure',
      `${named.join(', ')} ${named.length === 1 ? 'chooses' : 'choose'} infrastructure; leave ${named.length === 1 ? 'it' : 'them'} out and the deployment's defaults apply.`,
    );
    throw new AppError({
      code: error.code,
      status: error.status,
      title: error.title,
      detail: error.detail,
      errors: named.map((field) => ({
        field,
        message: 'chooses infrastructure: needs the "runs:infrastructure" scope',
      })),
    });
  };
}

/**
 * Whether the caller may act on runs of a type, for filtering listings (schedules, dead letters,
 * imports, the catalog): a caller holding the action for every process sees everything, an item
 * of no known type included; a limited caller sees its processes only.
 */
export function processFilter(
  principal: Principal,
  action: ProcessAction,
): (type: string | null | undefined) => boolean {
  const granted = processesGranted(principal.scopes, action);
  return (type) => granted === 'all' || (typeof type === 'string' && granted.includes(type));
}

/** The guards of starting runs (a run, a schedule's runs) as this caller: its process scopes, runs:infrastructure, the person it acts for. */
export function startGuards(principal: Principal): StartGuards {
  return {
    process: (type) => requireProcess(principal, 'runs:write', type),
    infrastructure: infrastructureGuard(principal),
    person: personOf(principal),
  };
}
