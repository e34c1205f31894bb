/**
 * Which nodemailer options an SMTP URL may carry in its query (`smtp://relay:587?requireTLS=true`).
 * nodemailer applies query options over the options Junction passes, so a query can undo what the
 * connector sets on purpose. Three groups:
 * - `rerouting`: options that move the connection or the message somewhere the URL's host does not
 *   say (`host`, `port`, `proxy`, `service`, `direct`) or let a message read files and URLs
 *   (`disableFileAccess`, `disableUrlAccess`): never accepted, in any environment;
 * - `weakensTls`: options that turn TLS checks off (`tls.rejectUnauthorized=false`, `ignoreTLS`,
 *   `secure=false`): accepted outside production (a staging relay with a self-signed certificate),
 *   refused in production;
 * - `logsTranscript`: `logger`, `debug`, `transactionLog` print the SMTP transcript, message bodies
 *   and AUTH exchanges included, to the console: refused in production, like `weakensTls`.
 */

export type SmtpOptionRisk = 'rerouting' | 'weakensTls' | 'logsTranscript';

const REROUTING = new Set([
  'host',
  'port',
  'proxy',
  'service',
  'direct',
  'disablefileaccess',
  'disableurlaccess',
  'getsocket',
  'connection',
  'socket',
]);
const TRANSCRIPT = new Set(['logger', 'debug', 'transactionlog']);

const isTrue = (value: string) => ['true', '1', 'yes'].includes(value.trim().toLowerCase());
const isFalse = (value: string) => ['false', '0', 'no'].includes(value.trim().toLowerCase());

/** The risk of one query option, or null when it is harmless (`name`, `requireTLS`, `tls.servername`, …). */
export function smtpOptionRisk(key: string, value: string, protocol: string): SmtpOptionRisk | null {
  const lower = key.toLowerCase();
  if (REROUTING.has(lower)) return 'rerouting';
  if (TRANSCRIPT.has(lower)) return isFalse(value) ? null : 'logsTranscript';
  if (lower === 'tls.rejectunauthorized') return isFalse(value) ? 'weakensTls' : null;
  if (lower === 'ignoretls') return isTrue(value) ? 'weakensTls' : null;
  if (lower === 'secure') return protocol === 'smtps:' && isFalse(value) ? 'weakensTls' : null;
  return null;
}

/**
 * Problems of an SMTP URL's query options, as messages naming each option. `production` also
 * refuses the options that weaken TLS or log the transcript. An unparsable URL has no problems
 * here: the URL schema refuses it.
 */
export function smtpUrlOptionProblems(url: string, options: { production: boolean }): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const problems: string[] = [];
  for (const [key, value] of parsed.searchParams) {
    const risk = smtpOptionRisk(key, value, parsed.protocol);
    if (risk === 'rerouting')
      problems.push(`the "${key}" option is not allowed: it moves the connection or lets a message read files or URLs`);
    else if (risk === 'weakensTls' && options.production)
      problems.push(`the "${key}=${value}" option turns TLS checks off, which production does not allow`);
    else if (risk === 'logsTranscript' && options.production)
      problems.push(
        `the "${key}" option logs the SMTP transcript (message bodies and AUTH), which production does not allow`,
      );
  }
  return problems;
}
