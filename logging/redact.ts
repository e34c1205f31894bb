const SECRET_KEY =
  /pass(word)?|secret|token|authorization|api[-_]?key|master[-_]?key|private[-_]?key|credential|cookie/i;

/**
 * Masks values whose key names a secret, at any depth. Applied to every log line so that a
 * careless `logger.info('x', { config })` cannot leak a password.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  const out: Record<string | symbol, unknown> = {};
  for (const key of Reflect.ownKeys(value)) {
    const child = (value as Record<string | symbol, unknown>)[key];
    out[key] =
      typeof key === 'string' && SECRET_KEY.test(key) && child !== undefined
        ? '[redacted]'
        : redactSecrets(child, depth + 1);
  }
  return out;
}

/** Masks the password of a URL such as smtp://user:pass@host. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
