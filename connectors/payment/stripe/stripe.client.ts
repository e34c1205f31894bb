/**
 * The Stripe HTTP API as typed calls: form-encoded requests, every response parsed with its zod
 * schema, an Idempotency-Key on every write, Stripe's failures refined into ConnectorErrors.
 */
import type { z } from 'zod';
import { bearerToken, createHttpClient, type HttpClient } from '../../http';
import { describeStripeError, unexpectedResponse } from './stripe-errors';
import { toStripeForm, toStripeQuery, type FormValue } from './stripe-form';
import { stripeManifest } from './stripe.manifest';
import {
  stripePaymentIntentListSchema,
  stripePaymentIntentSchema,
  stripeRefundListSchema,
  stripeRefundSchema,
  type StripeList,
  type StripePaymentIntent,
  type StripeRefund,
} from './stripe.schemas';
import type { StripeCredentials, StripeSettings } from './stripe.settings';
import { resilienceOptions } from '../../http/resilience-settings';

type Params = Record<string, FormValue>;

/** The shared HTTP client, configured for Stripe: bearer secret key and the pinned API version. */
export function createStripeHttpClient(
  connector: string,
  settings: StripeSettings,
  credentials: StripeCredentials,
): HttpClient {
  return createHttpClient({
    connector,
    baseURL: settings.baseUrl,
    timeoutMs: settings.timeoutMs,
    auth: bearerToken(credentials.secretKey),
    headers: { [stripeManifest.apiVersion.header]: stripeManifest.apiVersion.value },
    describeError: (response, classified) => describeStripeError(connector, response, classified),
    ...resilienceOptions(settings),
  });
}

function intentPath(id: string, action?: 'capture' | 'cancel'): string {
  return `/v1/payment_intents/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
}

export class StripeClient {
  constructor(
    private readonly connector: string,
    private readonly http: HttpClient,
  ) {}

  /** Releases what the HTTP client holds (a Redis connection of its rate limit, breaker timers). */
  close(): Promise<void> {
    return this.http.close();
  }

  createPaymentIntent(params: Params, idempotencyKey: string): Promise<StripePaymentIntent> {
    return this.write('/v1/payment_intents', params, idempotencyKey, stripePaymentIntentSchema);
  }

  capturePaymentIntent(id: string, params: Params, idempotencyKey: string): Promise<StripePaymentIntent> {
    return this.write(intentPath(id, 'capture'), params, idempotencyKey, stripePaymentIntentSchema);
  }

  cancelPaymentIntent(id: string, idempotencyKey: string): Promise<StripePaymentIntent> {
    return this.write(intentPath(id, 'cancel'), {}, idempotencyKey, stripePaymentIntentSchema);
  }

  retrievePaymentIntent(id: string): Promise<StripePaymentIntent> {
    return this.read(intentPath(id), {}, stripePaymentIntentSchema);
  }

  /** One page, newest first. `created` bounds are epoch seconds. */
  listPaymentIntents(query: {
    created?: { gte?: number; lt?: number };
    limit: number;
    startingAfter?: string;
  }): Promise<StripeList<StripePaymentIntent>> {
    return this.read(
      '/v1/payment_intents',
      { created: query.created, limit: query.limit, starting_after: query.startingAfter },
      stripePaymentIntentListSchema,
    );
  }

  createRefund(params: Params, idempotencyKey: string): Promise<StripeRefund> {
    return this.write('/v1/refunds', params, idempotencyKey, stripeRefundSchema);
  }

  listRefunds(query: {
    paymentIntent: string;
    limit: number;
    startingAfter?: string;
  }): Promise<StripeList<StripeRefund>> {
    return this.read(
      '/v1/refunds',
      { payment_intent: query.paymentIntent, limit: query.limit, starting_after: query.startingAfter },
      stripeRefundListSchema,
    );
  }

  private async write<S extends z.ZodType>(
    url: string,
    params: Params,
    idempotencyKey: string,
    schema: S,
  ): Promise<z.output<S>> {
    const response = await this.http.request({
      method: 'POST',
      url,
      data: toStripeForm(params),
      headers: { 'Content-Type': stripeManifest.requestEncoding, [stripeManifest.idempotency.header]: idempotencyKey },
    });
    return this.parse(schema, response.data, `POST ${url}`);
  }

  private async read<S extends z.ZodType>(url: string, query: Params, schema: S): Promise<z.output<S>> {
    const response = await this.http.request({ method: 'GET', url, params: toStripeQuery(query) });
    return this.parse(schema, response.data, `GET ${url}`);
  }

  /** Names the first mismatching field, never its value (responses carry customer data). */
  private parse<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    throw unexpectedResponse(
      this.connector,
      what,
      `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
    );
  }
}
