/**
 * What `NODE_ENV=production` refuses at start-up, each problem naming its variable. Outside
 * production the same settings are allowed: a developer's machine has no master key and a local
 * identity provider may speak plain http.
 */
import type { Env } from './env.schema';
import { smtpUrlOptionProblems } from './smtp-url-options';

export function productionProblems(env: Env): string[] {
  const problems: string[] = [];
  if (env.SMTP_URL !== undefined) {
    // Rerouting options are refused everywhere; the others only in production.
    for (const problem of smtpUrlOptionProblems(env.SMTP_URL, { production: env.NODE_ENV === 'production' }))
      problems.push(`SMTP_URL: ${problem}`);
  }
  if (env.NODE_ENV !== 'production') return problems;
  if (env.OIDC_JWKS_URL?.startsWith('http:')) problems.push('OIDC_JWKS_URL: must use https:// in production');
  if (!env.JUNCTION_MASTER_KEY) {
    problems.push(
      'JUNCTION_MASTER_KEY: is required in production (connector credentials and encrypted payloads are keyed from it)',
    );
  }
  return problems;
}
