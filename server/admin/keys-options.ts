/**
 * Option parsers of `junction-admin keys`: a bad value is a commander InvalidArgumentError, so it
 * is a usage error (exit 2) that names the option, and nothing touches the database.
 */
import { InvalidArgumentError } from 'commander';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import { SCOPE_GRAMMAR, scopeProblem } from '../auth/scopes';

export { SCOPE_GRAMMAR };

/** A key name: trimmed, not empty. */
export function parseKeyName(value: string): string {
  const name = value.trim();
  if (!name) throw new InvalidArgumentError('must not be empty');
  return name;
}

/**
 * Comma-separated scopes, checked against the grammar and the process catalog, so a key for a
 * process type that does not exist (a typo) is refused before it is created.
 */
export function parseScopes(value: string, previous: string[] = []): string[] {
  const scopes = value
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  const knownTypes = PROCESS_CATALOG.map((process) => process.type);
  const problems = scopes.flatMap((scope) => scopeProblem(scope, knownTypes) ?? []);
  if (problems.length > 0) throw new InvalidArgumentError(problems.join('; '));
  if (scopes.length === 0) throw new InvalidArgumentError(`must name at least one scope: ${SCOPE_GRAMMAR}`);
  return [...previous, ...scopes];
}

/** The email of the person a key is issued to, lower-cased. */
export function parseActsAs(value: string): string {
  const email = value.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new InvalidArgumentError('must be an email address');
  return email;
}

/** A key id: a positive whole number, as the database stores it. */
export function parseKeyId(value: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value)) throw new InvalidArgumentError('must be a key id (a positive whole number)');
  return Number(value);
}

/** --expires-in-days / --never-expires as a date: undefined leaves the key to the default lifetime. */
export function expiryOf(options: { expiresInDays?: number; neverExpires?: boolean }): Date | null | undefined {
  if (options.neverExpires) return null;
  return options.expiresInDays === undefined ? undefined : new Date(Date.now() + options.expiresInDays * 86_400_000);
}
