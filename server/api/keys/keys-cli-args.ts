import { parseArgs } from 'node:util';
import { PROCESS_CATALOG } from '../../../workflows/catalog';
import { SCOPE_GRAMMAR, scopeProblem } from '../../auth/scopes';

export const USAGE = `usage:
  npm run keys -- create --name <name> --scopes <scope[,scope...]> [--expires-in-days <n> | --never-expires] [--acts-as <email>]
  npm run keys -- list
  npm run keys -- revoke <id>
  npm run keys -- bootstrap-admin [--name <name>] [--expires-in-days <n> | --never-expires] [--force]
    creates an admin key only when no active admin key exists (--force: create one anyway)
without an expiry a key lives API_KEY_DEFAULT_LIFETIME_DAYS (default 90) days;
--acts-as names the person the key is issued to (approval decisions made with it are theirs)
scopes: ${SCOPE_GRAMMAR} (admin implies all)`;

/** Bad command-line arguments: the CLI prints the message and USAGE and exits with 2. */
export class UsageError extends Error {}

export type KeysCommand =
  | { kind: 'create'; name: string; scopes: string[]; expiresInDays: Expiry; actsAs: string | null }
  | { kind: 'list' }
  | { kind: 'revoke'; id: number }
  | { kind: 'bootstrap-admin'; name: string; expiresInDays: Expiry; force: boolean };

/** A number of days, 'never', or 'default' (the configured default lifetime). */
export type Expiry = number | 'never' | 'default';

const DEFAULT_ADMIN_KEY_NAME = 'admin';

const CREATE_OPTIONS = {
  name: { type: 'string' },
  scopes: { type: 'string' },
  'expires-in-days': { type: 'string' },
  'never-expires': { type: 'boolean' },
  'acts-as': { type: 'string' },
} as const;
const BOOTSTRAP_OPTIONS = {
  name: { type: 'string' },
  'expires-in-days': { type: 'string' },
  'never-expires': { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

function parseFlags<Options extends typeof CREATE_OPTIONS | typeof BOOTSTRAP_OPTIONS>(
  args: string[],
  options: Options,
) {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument: ${parsed.positionals[0]}`);
    return parsed.values;
  } catch (error) {
    // parseArgs reports unknown or valueless options as TypeErrors; to the user they are usage errors.
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}

function parseExpiry(value: string | undefined, never: boolean | undefined): Expiry {
  if (never && value !== undefined) throw new UsageError('give --expires-in-days or --never-expires, not both');
  if (never) return 'never';
  if (value === undefined) return 'default';
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 3650)
    throw new UsageError('--expires-in-days must be a whole number from 1 to 3650');
  return days;
}

export function parseKeysCommand(argv: readonly string[]): KeysCommand {
  const [command, ...rest] = argv;
  if (command === 'create') {
    const values = parseFlags(rest, CREATE_OPTIONS);
    if (!values.name?.trim()) throw new UsageError('--name is required');
    const scopes = (values.scopes ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (scopes.length === 0) throw new UsageError('--scopes is required');
    const problems = scopes.flatMap(
      (scope) =>
        scopeProblem(
          scope,
          PROCESS_CATALOG.map((process) => process.type),
        ) ?? [],
    );
    if (problems.length > 0) throw new UsageError(problems.join('; '));
    const actsAs = values['acts-as']?.trim().toLowerCase() ?? null;
    if (actsAs !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(actsAs))
      throw new UsageError('--acts-as must be an email address');
    return {
      kind: 'create',
      name: values.name.trim(),
      scopes,
      expiresInDays: parseExpiry(values['expires-in-days'], values['never-expires']),
      actsAs,
    };
  }
  if (command === 'bootstrap-admin') {
    const values = parseFlags(rest, BOOTSTRAP_OPTIONS);
    const name = values.name === undefined ? DEFAULT_ADMIN_KEY_NAME : values.name.trim();
    if (!name) throw new UsageError('--name must not be empty');
    return {
      kind: 'bootstrap-admin',
      name,
      expiresInDays: parseExpiry(values['expires-in-days'], values['never-expires']),
      force: values.force === true,
    };
  }
  if (command === 'list' && rest.length === 0) return { kind: 'list' };
  if (command === 'revoke' && rest.length === 1 && /^[1-9]\d{0,9}$/.test(rest[0]!))
    return { kind: 'revoke', id: Number(rest[0]) };
  throw new UsageError(command ? `cannot understand: ${argv.join(' ')}` : 'a command is required');
}
