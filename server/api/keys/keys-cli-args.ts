import { parseArgs } from 'node:util';
import { SCOPES } from './scopes';

export const USAGE = `usage:
  npm run keys -- create --name <name> --scopes <scope[,scope...]> [--expires-in-days <n>]
  npm run keys -- list
  npm run keys -- revoke <id>
scopes: ${SCOPES.join(', ')} (admin implies all)`;

/** Bad command-line arguments: the CLI prints the message and USAGE and exits with 2. */
export class UsageError extends Error {}

export type KeysCommand =
  | { kind: 'create'; name: string; scopes: string[]; expiresInDays: number | null }
  | { kind: 'list' }
  | { kind: 'revoke'; id: number };

function parseCreateFlags(args: string[]) {
  try {
    return parseArgs({
      args,
      options: { name: { type: 'string' }, scopes: { type: 'string' }, 'expires-in-days': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs reports unknown or valueless options as TypeErrors; to the user they are usage errors.
    throw new UsageError((error as Error).message);
  }
}

export function parseKeysCommand(argv: readonly string[]): KeysCommand {
  const [command, ...rest] = argv;
  if (command === 'create') {
    const { values, positionals } = parseCreateFlags(rest);
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    if (!values.name?.trim()) throw new UsageError('--name is required');
    const scopes = (values.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (scopes.length === 0) throw new UsageError('--scopes is required');
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length > 0) throw new UsageError(`unknown scope(s): ${unknown.join(', ')}`);
    let expiresInDays: number | null = null;
    if (values['expires-in-days'] !== undefined) {
      expiresInDays = Number(values['expires-in-days']);
      if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 3650) {
        throw new UsageError('--expires-in-days must be a whole number from 1 to 3650');
      }
    }
    return { kind: 'create', name: values.name.trim(), scopes, expiresInDays };
  }
  if (command === 'list' && rest.length === 0) return { kind: 'list' };
  if (command === 'revoke' && rest.length === 1 && /^[1-9]\d{0,9}$/.test(rest[0]!)) return { kind: 'revoke', id: Number(rest[0]) };
  throw new UsageError(command ? `cannot understand: ${argv.join(' ')}` : 'a command is required');
}

