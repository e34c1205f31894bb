import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Registry } from 'prom-client';
import type { EventIntake } from '../../intake/event-intake';
import type { ReceivedEvent } from '../../intake/event-receiver';
import { registerIntakeApiMetrics, type ReceivedOutcome } from '../../intake/intake-metrics';
import { AppError } from '../../errors/app-error';

export interface EventsRoutesDeps {
  intake: EventIntake;
  /** The app's metrics registry: the intake's counters and gauges join it. */
  registry: Registry;
}

export const EVENTS_ROUTE = '/v1/events/:source';

function outcomeOfError(error: unknown): ReceivedOutcome {
  const status = error instanceof AppError ? error.status : (error as { status?: unknown }).status;
  if (status === 401) return 'unauthorized';
  if (status === 413) return 'too-large';
  if (status === 429) return 'throttled';
  if (typeof status === 'number' && status >= 400 && status < 500) return 'invalid';
  return 'unavailable';
}

/** Reads the raw body with the source's limit: the signature covers the bytes as sent, so nothing may parse them first. */
function readRawBody(parser: RequestHandler, req: Request, res: Response): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    void parser(req, res, (error?: unknown) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    });
  });
}

/**
 * POST /v1/events/:source: webhook intake, authenticated by the source's signature rather than an
 * API key (mounted outside /v1's key check and rate limit; the backlog bound answers 429 instead).
 */
export function eventsRouter({ intake, registry }: EventsRoutesDeps): Router {
  const metrics = registerIntakeApiMetrics(registry, intake);
  // Any content type: senders differ, and the body is read as bytes and parsed as JSON here.
  const parsers = new Map(
    intake.sources.map((source) => [source.name, express.raw({ type: () => true, limit: source.bodyLimitBytes })]),
  );
  const router = Router();

  router.post(EVENTS_ROUTE, async (req, res) => {
    res.locals.route = EVENTS_ROUTE;
    const name = String(req.params.source);
    const source = intake.receiver.source(name);
    if (!source)
      throw AppError.notFound(
        `No event source "${name}": config/event-sources.yaml (EVENT_SOURCES_FILE) lists them.`,
        'unknown-source',
      );
    let received: ReceivedEvent;
    try {
      const rawBody = await readRawBody(parsers.get(source.name)!, req, res);
      received = await intake.receiver.receive(source, { header: (header) => req.get(header), rawBody });
    } catch (error) {
      metrics.received.inc({ source: source.name, outcome: outcomeOfError(error) });
      throw error;
    }
    metrics.received.inc({ source: source.name, outcome: received.created ? 'accepted' : 'duplicate' });
    res.status(received.created ? 202 : 200).json({ ...received.receipt, duplicate: !received.created });
  });

  return router;
}
