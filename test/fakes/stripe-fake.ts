/**
 * A stateful Stripe for behaviour tests (node:http on a free loopback port), following the public
 * API reference: form-encoded requests with bracket notation, PaymentIntents with manual capture,
 * Refunds, newest-first lists with `starting_after`/`has_more`, and Stripe's idempotency (the
 * first answer under a key is replayed for the same request; the same key with other parameters
 * is a 400 idempotency_error). Contract conformance is the Prism suite's job; this fake answers
 * what Prism cannot: state, replays, declines, rate limits.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  StripeErrorBody,
  StripePaymentIntent,
  StripeRefund,
} from '../../connectors/payment/stripe/stripe.schemas';
import { listen } from './listen';

type Form = { [key: string]: string | Form };
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The raw form body, e.g. `amount=1200&currency=eur&metadata[reference]=…` (decoded). */
  body: string;
}
export interface StripeFake {
  readonly url: string;
  readonly secretKey: string;
  readonly requests: RecordedRequest[];
  readonly intents: ReadonlyMap<string, StripePaymentIntent>;
  readonly refunds: readonly StripeRefund[];
  /** The next `times` requests get this answer before reaching any state. */
  failNext(
    answer: { status: number; error: StripeErrorBody['error']; headers?: Record<string, string> },
    times?: number,
  ): void;
  /** The next write is carried out and stored under its key, then its connection is cut before the answer. */
  loseNextAnswer(): void;
  /** `created` (epoch seconds) of objects created from now on; null: the real clock. */
  setClock(seconds: number | null): void;
  close(): Promise<void>;
}

class StripeFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: StripeErrorBody['error'],
  ) {
    super(error.message);
  }
}
const invalid = (message: string, code?: string, param?: string) =>
  new StripeFailure(400, {
    type: 'invalid_request_error',
    message,
    ...(code ? { code } : {}),
    ...(param ? { param } : {}),
  });
const missing = (id: string) =>
  new StripeFailure(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such payment_intent: '${id}'`,
    param: 'intent',
  });

/** `metadata[reference]=x` → { metadata: { reference: 'x' } }. */
function parseForm(raw: string): Form {
  const form: Form = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const [head, ...rest] = key.split('[').map((part) => part.replace(/]$/, ''));
    let target = form;
    const path = [head!, ...rest];
    path.slice(0, -1).forEach((part) => {
      if (typeof target[part] !== 'object') target[part] = {};
      target = target[part] as Form;
    });
    target[path.at(-1)!] = value;
  }
  return form;
}

function text(form: Form, key: string): string | undefined {
  const value = form[key];
  return typeof value === 'string' ? value : undefined;
}

function integer(form: Form | URLSearchParams, key: string, required = false): number | undefined {
  const value = form instanceof URLSearchParams ? (form.get(key) ?? undefined) : text(form, key);
  if (value === undefined) {
    if (required) throw invalid(`Missing required param: ${key}.`, 'parameter_missing', key);
    return undefined;
  }
  if (!/^\d+$/.test(value)) throw invalid(`Invalid integer: ${value}`, 'parameter_invalid_integer', key);
  return Number(value);
}

/** Stripe's list semantics: newest first, the page after `starting_after`, `limit` 1–100 (default 10). */
function page<T extends { id: string }>(items: T[], query: URLSearchParams, path: string) {
  const limit = integer(query, 'limit') ?? 10;
  if (limit < 1 || limit > 100)
    throw invalid('This value must be between 1 and 100.', 'parameter_invalid_integer', 'limit');
  const after = query.get('starting_after');
  const start = after ? items.findIndex((item) => item.id === after) + 1 : 0;
  if (after && start === 0) throw invalid(`No such object: '${after}'`, 'resource_missing', 'starting_after');
  const data = items.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < items.length, url: path };
}

export async function startStripeFake(): Promise<StripeFake> {
  const secretKey = 'sk_test_fake_4eC39HqLyjWDarjtT1zdp7dc';
  const requests: RecordedRequest[] = [];
  const intents = new Map<string, StripePaymentIntent>();
  const refunds: StripeRefund[] = [];
  const idempotent = new Map<string, { fingerprint: string; answer: Answer }>();
  const failures: Answer[] = [];
  let loseNext = false;
  let clock: number | null = null;
  let sequence = 0;
  const now = () => clock ?? Math.floor(Date.now() / 1000);
  const nextId = (prefix: string) => `${prefix}_fake${String(++sequence).padStart(8, '0')}`;
  const newestFirst = <T extends { created: number; id: string }>(items: T[]) =>
    [...items].sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));

  function intentOf(id: string): StripePaymentIntent {
    const intent = intents.get(id);
    if (!intent) throw missing(id);
    return intent;
  }

  function unexpectedState(intent: StripePaymentIntent, action: string): StripeFailure {
    return invalid(
      `This PaymentIntent could not be ${action} because it has a status of ${intent.status}.`,
      'payment_intent_unexpected_state',
    );
  }

  function createIntent(form: Form): StripePaymentIntent {
    const amount = integer(form, 'amount', true)!;
    const currency = text(form, 'currency');
    if (amount < 1)
      throw invalid('This value must be greater than or equal to 1.', 'parameter_invalid_integer', 'amount');
    if (!currency || !/^[a-z]{3}$/.test(currency))
      throw invalid(`Invalid currency: ${currency ?? ''}.`, 'parameter_invalid_string', 'currency');
    const confirm = text(form, 'confirm') === 'true';
    const automatic = typeof form.automatic_payment_methods === 'object' ? form.automatic_payment_methods : {};
    // Since 2023-08-16 automatic payment methods are on by default; confirming them needs a return_url or no redirects.
    if (
      confirm &&
      text(automatic, 'enabled') !== 'false' &&
      text(automatic, 'allow_redirects') !== 'never' &&
      !text(form, 'return_url')
    ) {
      throw invalid(
        'You must provide a `return_url` when confirming a PaymentIntent with automatic payment methods that may redirect.',
        'parameter_missing',
        'return_url',
      );
    }
    const paymentMethod = text(form, 'payment_method');
    if (confirm && !paymentMethod)
      throw invalid(
        'You must provide a payment method to confirm this PaymentIntent.',
        'parameter_missing',
        'payment_method',
      );
    const metadata =
      typeof form.metadata === 'object'
        ? (Object.fromEntries(Object.entries(form.metadata).filter(([, v]) => typeof v === 'string')) as Record<
            string,
            string
          >)
        : {};
    const manual = text(form, 'capture_method') === 'manual';
    const intent: StripePaymentIntent = {
      id: nextId('pi'),
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      capture_method: manual ? 'manual' : 'automatic',
      confirmation_method: 'automatic',
      created: now(),
      currency,
      description: text(form, 'description') ?? null,
      livemode: false,
      metadata,
      payment_method_types: ['card'],
      status: confirm ? (manual ? 'requires_capture' : 'succeeded') : 'requires_payment_method',
      cancellation_reason: null,
      last_payment_error: null,
    };
    if (intent.status === 'requires_capture') intent.amount_capturable = amount;
    if (intent.status === 'succeeded') intent.amount_received = amount;
    // Stripe's test payment methods: https://stripe.com/docs/testing
    if (paymentMethod !== undefined && !paymentMethod.startsWith('pm_card_')) {
      throw invalid(`No such PaymentMethod: '${paymentMethod}'`, 'resource_missing', 'payment_method');
    }
    const declined =
      paymentMethod === 'pm_card_chargeDeclined'
        ? {
            type: 'card_error' as const,
            code: 'card_declined',
            decline_code: 'generic_decline',
            message: 'Your card was declined.',
          }
        : paymentMethod === 'pm_card_authenticationRequired' && text(form, 'error_on_requires_action') === 'true'
          ? {
              type: 'card_error' as const,
              code: 'authentication_required',
              decline_code: 'authentication_required',
              message: 'Your card was declined. This transaction requires authentication.',
            }
          : undefined;
    if (declined)
      Object.assign(intent, { status: 'requires_payment_method', amount_capturable: 0, last_payment_error: declined });
    intents.set(intent.id, intent);
    if (declined) throw new StripeFailure(402, declined);
    return intent;
  }

  function refundedOf(intentId: string): number {
    return refunds
      .filter((r) => r.payment_intent === intentId && r.status === 'succeeded')
      .reduce((sum, r) => sum + r.amount, 0);
  }

  /** Routes one request; throws StripeFailure for Stripe's error answers. */
  function route(method: string, path: string, query: URLSearchParams, form: Form): unknown {
    const match = /^\/v1\/payment_intents\/([^/]+)(?:\/(capture|cancel))?$/.exec(path);
    if (method === 'POST' && path === '/v1/payment_intents') return createIntent(form);
    if (method === 'GET' && path === '/v1/payment_intents') {
      const gte = integer(query, 'created[gte]') ?? -Infinity;
      const lt = integer(query, 'created[lt]') ?? Infinity;
      const inWindow = [...intents.values()].filter((i) => i.created >= gte && i.created < lt);
      return page(newestFirst(inWindow), query, path);
    }
    if (method === 'GET' && path === '/v1/refunds') {
      const intent = query.get('payment_intent');
      return page(newestFirst(refunds.filter((r) => !intent || r.payment_intent === intent)), query, path);
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = intentOf(text(form, 'payment_intent') ?? '');
      if (intent.status !== 'succeeded')
        throw invalid(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`);
      const remaining = (intent.amount_received ?? 0) - refundedOf(intent.id);
      if (remaining === 0)
        throw invalid(`Charge for ${intent.id} has already been refunded.`, 'charge_already_refunded');
      const amount = integer(form, 'amount') ?? remaining;
      if (amount > remaining)
        throw invalid(
          `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
          'amount_too_large',
          'amount',
        );
      const refund: StripeRefund = {
        id: nextId('re'),
        object: 'refund',
        amount,
        created: now(),
        currency: intent.currency,
        payment_intent: intent.id,
        status: 'succeeded',
      };
      refunds.push(refund);
      return refund;
    }
    if (match && method === 'GET' && !match[2]) return intentOf(decodeURIComponent(match[1]!));
    if (match && method === 'POST' && match[2] === 'capture') {
      const intent = intentOf(decodeURIComponent(match[1]!));
      if (intent.status !== 'requires_capture') throw unexpectedState(intent, 'captured');
      const amount = integer(form, 'amount_to_capture') ?? intent.amount;
      if (amount > intent.amount)
        throw invalid('The amount to capture exceeds the capturable amount.', 'amount_too_large', 'amount_to_capture');
      return Object.assign(intent, { status: 'succeeded', amount_received: amount, amount_capturable: 0 });
    }
    if (match && method === 'POST' && match[2] === 'cancel') {
      const intent = intentOf(decodeURIComponent(match[1]!));
      if (intent.status === 'succeeded' || intent.status === 'canceled') throw unexpectedState(intent, 'canceled');
      return Object.assign(intent, {
        status: 'canceled',
        amount_capturable: 0,
        cancellation_reason: text(form, 'cancellation_reason') ?? null,
      });
    }
    throw new StripeFailure(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}).`,
    });
  }

  function answer(method: string, path: string, query: URLSearchParams, form: Form): Answer {
    try {
      // A snapshot: later transitions must not change what a replay answers.
      return { status: 200, body: structuredClone(route(method, path, query, form)) };
    } catch (error) {
      if (error instanceof StripeFailure)
        return { status: error.status, body: { error: error.error } satisfies StripeErrorBody };
      throw error;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stripe.fake');
    const method = req.method ?? 'GET';
    requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: decodeURIComponent(raw.replace(/\+/g, ' ')),
    });
    const send = ({ status, body, headers }: Answer) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${sequence}`, ...headers });
      res.end(JSON.stringify(body));
    };
    const failure = failures.shift();
    if (failure) return send(failure);
    if (req.headers.authorization !== `Bearer ${secretKey}`) {
      return send({
        status: 401,
        body: {
          error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****' },
        } satisfies StripeErrorBody,
      });
    }
    const key = method === 'POST' ? req.headers['idempotency-key'] : undefined;
    const fingerprint = `${method} ${url.pathname} ${raw}`;
    const stored = typeof key === 'string' ? idempotent.get(key) : undefined;
    if (stored && stored.fingerprint !== fingerprint) {
      const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${String(key)}' if you meant to execute a different request.`;
      return send({ status: 400, body: { error: { type: 'idempotency_error', message } } satisfies StripeErrorBody });
    }
    if (stored) return send({ ...stored.answer, headers: { 'idempotent-replayed': 'true' } });
    const result = answer(method, url.pathname, url.searchParams, parseForm(raw));
    if (typeof key === 'string') idempotent.set(key, { fingerprint, answer: result });
    if (loseNext && method === 'POST') {
      loseNext = false;
      res.socket?.destroy();
      return;
    }
    send(result);
  }

  const server = await listen((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }));
    });
  });
  return {
    url: server.url,
    secretKey,
    requests,
    intents,
    refunds,
    failNext: ({ status, error, headers }, times = 1) => {
      for (let i = 0; i < times; i++) failures.push({ status, body: { error }, ...(headers ? { headers } : {}) });
    },
    loseNextAnswer: () => {
      loseNext = true;
    },
    setClock: (seconds) => {
      clock = seconds;
    },
    close: () => server.close(),
  };
}
