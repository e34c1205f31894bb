/**
 * Checks an instance's settings and credentials against its vendor's schemas, the same way for
 * the API, connectors.yaml and the build. Issues name fields (`settings.baseUrl`,
 * `credentials.clientSecret`) and never carry the values.
 */
import { z } from 'zod';
import type { Credentials } from '../vault';
import type { VendorRegistration } from './registry-types';

export interface DefinitionIssue {
  /** Starts with `settings` or `credentials`. */
  path: (string | number)[];
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: DefinitionIssue[] };

/** The zod surface used here; plugin schemas may come from another copy of zod. */
interface ParseResult {
  success: boolean;
  data?: unknown;
  error?: { issues: { path: PropertyKey[]; message: string; code?: string; keys?: string[] }[] };
}

/** A plain z.object (or its .optional()) becomes strict, so unknown fields are named, not dropped. */
export function strictened(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject && schema.def.catchall === undefined) return schema.strict();
  if (schema instanceof z.ZodOptional) {
    const inner: unknown = schema.unwrap();
    if (inner instanceof z.ZodObject && inner.def.catchall === undefined) return inner.strict().optional();
  }
  return schema;
}

function issuesOf(result: ParseResult, root: string): DefinitionIssue[] {
  const issues = result.error?.issues ?? [{ path: [], message: 'is invalid' }];
  return issues.flatMap((issue) => {
    const path = [root, ...issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)))];
    if (issue.code === 'unrecognized_keys' && issue.keys)
      return issue.keys.map((key) => ({ path: [...path, key], message: 'is not allowed here' }));
    return [{ path, message: issue.message }];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkSettings(registration: VendorRegistration, settings: unknown): Checked<Record<string, unknown>> {
  if (!isRecord(settings)) return { ok: false, issues: [{ path: ['settings'], message: 'must be an object' }] };
  if (!registration.settingsSchema) return { ok: true, value: settings };
  const result = strictened(registration.settingsSchema).safeParse(settings) as ParseResult;
  if (!result.success) return { ok: false, issues: issuesOf(result, 'settings') };
  return isRecord(result.data)
    ? { ok: true, value: result.data }
    : { ok: false, issues: [{ path: ['settings'], message: 'must be an object' }] };
}

/** `credentials` undefined means "none given"; the vendor's schema decides whether that is enough. */
export function checkCredentials(
  registration: VendorRegistration,
  credentials: Credentials | undefined,
): Checked<Credentials> {
  if (!registration.credentialsSchema) {
    if (credentials === undefined || Object.keys(credentials).length === 0) return { ok: true, value: {} };
    return {
      ok: false,
      issues: [
        { path: ['credentials'], message: `vendor ${registration.kind}/${registration.vendor} takes no credentials` },
      ],
    };
  }
  const result = strictened(registration.credentialsSchema).safeParse(credentials) as ParseResult;
  if (!result.success) return { ok: false, issues: issuesOf(result, 'credentials') };
  if (result.data === undefined) return { ok: true, value: {} };
  return isRecord(result.data)
    ? { ok: true, value: result.data }
    : { ok: false, issues: [{ path: ['credentials'], message: 'must be an object' }] };
}

function hasUrlPassword(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value)) return false;
  try {
    return new URL(value).password !== '';
  } catch {
    return false;
  }
}

/**
 * Settings are shown by the API and kept in plaintext: a URL carrying a password
 * (`smtp://user:pass@host`) belongs in the credentials, and is refused here.
 */
export function urlPasswordIssues(value: unknown, path: (string | number)[] = ['settings']): DefinitionIssue[] {
  if (typeof value === 'string')
    return hasUrlPassword(value) ? [{ path, message: 'must not carry a password: put it in the credentials' }] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => urlPasswordIssues(item, [...path, index]));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => urlPasswordIssues(item, [...path, key]));
  return [];
}

/** `settings.lines[0].sku` from `['settings', 'lines', 0, 'sku']`. */
export function issuePath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (out, segment) => (typeof segment === 'number' ? `${out}[${segment}]` : out ? `${out}.${segment}` : segment),
    '',
  );
}

export function describeIssues(issues: readonly DefinitionIssue[]): string {
  return issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`).join('; ');
}
