import type { Principal } from '../../auth/scopes';

/** Audit rows' actor column is 120 characters wide. */
const ACTOR_WIDTH = 120;

export function keyActor(name: string, prefix: string): string {
  return `${name} (${prefix})`.slice(0, ACTOR_WIDTH);
}

export function oidcActor(subject: string): string {
  return `oidc:${subject}`.slice(0, ACTOR_WIDTH);
}

/**
 * The actor column of an audit row: `<key name> (<key prefix>)` for keys, `oidc:<subject>` for
 * tokens, `anonymous` before authentication. The audit filter rebuilds these strings (key names
 * cannot change, so a key's actor string is fixed for its life).
 */
export function actorOf(principal: Principal | undefined): string {
  if (!principal) return 'anonymous';
  return principal.kind === 'oidc' ? oidcActor(principal.subject) : keyActor(principal.name, principal.prefix);
}

/** What an audit row keeps about the principal beside the actor string: ids, never credentials. */
export function principalReference(principal: Principal): Record<string, unknown> {
  return principal.kind === 'oidc'
    ? { kind: 'oidc', subject: principal.subject, issuer: principal.issuer }
    : { kind: 'key', keyId: principal.keyId, name: principal.name, prefix: principal.prefix };
}
