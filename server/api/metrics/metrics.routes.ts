import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import { grants } from '../../auth/scopes';
import { bearerCredentialOf, type CallerAuthenticator } from '../middleware/identify-caller';
import type { ApiMetrics } from '../../metrics/api-metrics';

export interface MetricsRouteDeps {
  metrics: ApiMetrics;
  authenticator: CallerAuthenticator;
  /** METRICS_TOKEN: a scraper's bearer token; null lets only `admin` credentials in. */
  token: string | null;
}

/** Compares digests so neither the token's length nor its content leaks through timing. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * GET /metrics in the Prometheus text format, on the API port. Not public like /healthz: route
 * names, run counts by type and process internals are reconnaissance. A scraper presents
 * METRICS_TOKEN as a bearer token; an operator may use an `admin` key instead.
 */
export function metricsRouter({ metrics, authenticator, token }: MetricsRouteDeps): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    res.locals.route = '/metrics';
    const credential = bearerCredentialOf(req);
    if (credential === null)
      throw AppError.unauthorized(
        'GET /metrics requires METRICS_TOKEN or an admin API key as "Authorization: Bearer <token>".',
      );
    if (token === null || !sameSecret(credential, token)) {
      const principal = await authenticator.authenticate(credential);
      if (!principal) throw AppError.unauthorized('The metrics token or API key is invalid, revoked or expired.');
      if (!grants(principal.scopes, 'admin'))
        throw AppError.forbidden('GET /metrics requires the "admin" scope or METRICS_TOKEN.');
    }
    const body = await metrics.render();
    res.type(metrics.contentType).send(body);
  });
  return router;
}
