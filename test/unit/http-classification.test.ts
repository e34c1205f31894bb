import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { expect } from 'chai';
import winston from 'winston';
import { ConnectorError } from '../../connectors/connector-error';
import { allowEgressTo } from '../../connectors/egress/egress-policy';
import {
  classifyHttpError,
  createHttpClient,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  retryAfterFromHeaders,
} from '../../connectors/http';
import { getLogger, replaceLogger } from '../../logging/logger';
import { connectorFailureOf } from '../support/expect-connector-error';

const NOW = Date.parse('2030-01-01T00:00:00Z');

function responseError(status: number, data: unknown = '', headers: Record<string, string> = {}): AxiosError {
  const config = {
    method: 'post',
    url: '/v1/orders?secret=1',
    baseURL: 'https://vendor.test',
    headers: new AxiosHeaders({ Authorization: 'Bearer sk_live' }),
  } as InternalAxiosRequestConfig;
  return new AxiosError(
    `Request failed with status code ${status}`,
    status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST',
    config,
    {},
    {
      status,
      statusText: '',
      headers,
      config,
      data,
    },
  );
}

function systemError(code: string): AxiosError {
  return new AxiosError(`connect ${code}`, code, {
    method: 'get',
    url: '/ping',
    headers: new AxiosHeaders(),
  } as InternalAxiosRequestConfig);
}

function classify(error: unknown): ConnectorError {
  return classifyHttpError(error, 'crm.test', NOW);
}

describe('HTTP error classification', () => {
  describe('parseRetryAfter', () => {
    it('reads delta-seconds as milliseconds', () => {
      expect(parseRetryAfter('2', NOW)).to.equal(2000);
      expect(parseRetryAfter(' 0 ', NOW)).to.equal(0);
    });

    it('reads an HTTP-date as the time left until then', () => {
      expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', NOW)).to.equal(30_000);
    });

    it('treats a date in the past as "retry now"', () => {
      expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', NOW)).to.equal(0);
    });

    it('caps long waits at ten minutes', () => {
      expect(parseRetryAfter('86400', NOW)).to.equal(MAX_RETRY_AFTER_MS);
      expect(MAX_RETRY_AFTER_MS).to.equal(600_000);
    });

    it('ignores absent and unreadable values', () => {
      expect(parseRetryAfter(undefined, NOW)).to.equal(undefined);
      expect(parseRetryAfter('', NOW)).to.equal(undefined);
      expect(parseRetryAfter('-5', NOW)).to.equal(undefined);
      expect(parseRetryAfter('soon', NOW)).to.equal(undefined);
    });

    it('falls back to X-RateLimit-Reset (epoch or delta seconds) when Retry-After is absent', () => {
      expect(retryAfterFromHeaders({ 'X-RateLimit-Reset': String(NOW / 1000 + 45) }, NOW)).to.equal(45_000);
      expect(retryAfterFromHeaders({ 'x-ratelimit-reset': '7' }, NOW)).to.equal(7000);
      expect(retryAfterFromHeaders({ 'retry-after': '3', 'x-ratelimit-reset': '7' }, NOW)).to.equal(3000);
      expect(retryAfterFromHeaders({}, NOW)).to.equal(undefined);
    });
  });

  describe('classifyHttpError', () => {
    it('when the vendor rate-limits, then RATE_LIMITED retries after Retry-After', () => {
      const error = classify(responseError(429, { message: 'slow down' }, { 'retry-after': '2' }));
      expect(error.toDetails()).to.deep.equal({
        code: 'RATE_LIMITED',
        retryable: true,
        status: 429,
        vendorMessage: 'slow down',
        retryAfterMs: 2000,
      });
    });

    it('when a 429 has no reset hint, then it is retryable without a delay of its own', () => {
      const error = classify(responseError(429));
      expect(error.code).to.equal('RATE_LIMITED');
      expect(error.retryable).to.equal(true);
      expect(error.retryAfterMs).to.equal(undefined);
    });

    it('when the vendor answers 5xx, then VENDOR_UNAVAILABLE is retryable and honours Retry-After on 503', () => {
      for (const status of [500, 502, 503, 504]) {
        const error = classify(responseError(status));
        expect(error.code, String(status)).to.equal('VENDOR_UNAVAILABLE');
        expect(error.retryable).to.equal(true);
      }
      expect(
        classify(responseError(503, '', { 'Retry-After': 'Tue, 01 Jan 2030 00:01:00 GMT' })).retryAfterMs,
      ).to.equal(60_000);
    });

    it('when the vendor answers 408, then TIMEOUT is retryable', () => {
      expect(classify(responseError(408)).toDetails()).to.deep.equal({ code: 'TIMEOUT', retryable: true, status: 408 });
    });

    it('maps client errors to non-retryable codes', () => {
      const expected: Record<number, string> = {
        400: 'INVALID_REQUEST',
        401: 'UNAUTHORIZED',
        403: 'FORBIDDEN',
        404: 'NOT_FOUND',
        409: 'CONFLICT',
        410: 'INVALID_REQUEST',
        422: 'INVALID_REQUEST',
      };
      for (const [status, code] of Object.entries(expected)) {
        const error = classify(responseError(Number(status), '', { 'retry-after': '5' }));
        expect(error.code, status).to.equal(code);
        expect(error.retryable, status).to.equal(false);
        expect(error.retryAfterMs, status).to.equal(undefined);
      }
    });

    it('extracts the vendor message from the usual body shapes', () => {
      const message = (data: unknown) => classify(responseError(400, data)).vendorMessage;
      expect(message('plain text failure')).to.equal('plain text failure');
      expect(message({ error: 'bad_thing' })).to.equal('bad_thing');
      expect(message({ error: { message: 'Your card number is incorrect.' } })).to.equal(
        'Your card number is incorrect.',
      );
      expect(message({ error: 'invalid_grant', error_description: 'Token expired' })).to.equal(
        'invalid_grant: Token expired',
      );
      expect(message('{"message":"from a JSON string"}')).to.equal('from a JSON string');
      expect(message('<html><body><h1>Bad Gateway</h1></body></html>')).to.equal('Bad Gateway');
      expect(message({ unrelated: true })).to.equal(undefined);
      expect(message('x'.repeat(2000))).to.have.length(500);
    });

    it('never puts the query string or credentials in the message', () => {
      const error = classify(responseError(401, { message: 'nope' }));
      expect(error.message).to.equal('crm.test: HTTP 401 from POST /v1/orders');
      expect(JSON.stringify({ ...error.toDetails(), message: error.message })).not.to.match(/sk_live|secret/);
      expect(error.cause).to.equal(undefined);
    });

    it('when the connection fails, then NETWORK is retryable', () => {
      for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_NETWORK']) {
        expect(classify(systemError(code)).toDetails(), code).to.deep.equal({ code: 'NETWORK', retryable: true });
      }
      expect(classify(new Error('socket hang up')).code).to.equal('NETWORK');
    });

    it('when the request times out, then TIMEOUT is retryable', () => {
      for (const code of ['ECONNABORTED', 'ETIMEDOUT']) {
        expect(classify(systemError(code)).toDetails(), code).to.deep.equal({ code: 'TIMEOUT', retryable: true });
      }
    });

    it('returns a ConnectorError unchanged', () => {
      const original = new ConnectorError('x', { code: 'CONFLICT' });
      expect(classify(original)).to.equal(original);
    });
  });
});

describe('createHttpClient against a local server', () => {
  let server: Server;
  let baseURL: string;
  let closedPortURL: string;
  /** The server's and the closed port's egress allowances (the guard would refuse loopback otherwise). */
  const allowances: (() => void)[] = [];
  const lines: Record<string, unknown>[] = [];
  const previousLogger = getLogger();

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/ok': (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: 'c_1', name: 'Ada' }));
    },
    '/rate-limited': (_req, res) => {
      res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Too many requests' }));
    },
    '/unavailable': (_req, res) => {
      res.writeHead(503, { 'retry-after': '1' });
      res.end('Service Unavailable');
    },
    '/boom': (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Internal error' } }));
    },
    '/missing': (_req, res) => {
      res.writeHead(404);
      res.end();
    },
    '/private': (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_token', error_description: 'The access token expired' }));
    },
    '/slow': (_req, res) => {
      setTimeout(() => res.end('{}'), 1500).unref();
    },
  };

  before(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      (routes[path] ?? routes['/missing']!)(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    allowances.push(allowEgressTo(`127.0.0.1:${(server.address() as AddressInfo).port}`));

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedPortURL = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    allowances.push(allowEgressTo(`127.0.0.1:${(closed.address() as AddressInfo).port}`));
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    replaceLogger(
      winston.createLogger({
        level: 'debug',
        format: winston.format.json(),
        transports: [new winston.transports.Stream({ stream: sink })],
      }),
    );
  });

  after(async () => {
    for (const release of allowances) release();
    replaceLogger(previousLogger);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function client(timeoutMs = 1000) {
    return createHttpClient({
      connector: 'crm.http-test',
      baseURL,
      timeoutMs,
      headers: { Authorization: 'Bearer sk_test_secret' },
    });
  }

  it('returns the typed body of a successful response', async () => {
    const body = await client().get<{ id: string; name: string }>('/ok');
    expect(body).to.deep.equal({ id: 'c_1', name: 'Ada' });
    const response = await client().request<{ id: string }>({ method: 'GET', url: '/ok' });
    expect(response.status).to.equal(200);
    expect(response.headers['content-type']).to.equal('application/json');
  });

  it('when the server answers 429 with Retry-After: 2, then RATE_LIMITED with retryAfterMs 2000', async () => {
    const error = await connectorFailureOf(client().get('/rate-limited'));
    expect(error.toDetails()).to.deep.equal({
      code: 'RATE_LIMITED',
      retryable: true,
      status: 429,
      vendorMessage: 'Too many requests',
      retryAfterMs: 2000,
    });
  });

  it('when the server answers 503, then VENDOR_UNAVAILABLE retryable after its Retry-After', async () => {
    const error = await connectorFailureOf(client().post('/unavailable', { a: 1 }));
    expect(error.toDetails()).to.deep.equal({
      code: 'VENDOR_UNAVAILABLE',
      retryable: true,
      status: 503,
      vendorMessage: 'Service Unavailable',
      retryAfterMs: 1000,
    });
  });

  it('when the server answers 500, then VENDOR_UNAVAILABLE retryable with the vendor message', async () => {
    const error = await connectorFailureOf(client().get('/boom'));
    expect(error.toDetails()).to.deep.equal({
      code: 'VENDOR_UNAVAILABLE',
      retryable: true,
      status: 500,
      vendorMessage: 'Internal error',
    });
  });

  it('when the server answers 404, then NOT_FOUND is not retryable', async () => {
    const error = await connectorFailureOf(client().get('/missing'));
    expect(error.toDetails()).to.deep.equal({ code: 'NOT_FOUND', retryable: false, status: 404 });
  });

  it('when the server answers 401, then UNAUTHORIZED is not retryable', async () => {
    const error = await connectorFailureOf(client().get('/private'));
    expect(error.toDetails()).to.deep.equal({
      code: 'UNAUTHORIZED',
      retryable: false,
      status: 401,
      vendorMessage: 'invalid_token: The access token expired',
    });
  });

  it('when the server is too slow, then TIMEOUT is retryable', async () => {
    const error = await connectorFailureOf(client(200).get('/slow'));
    expect(error.toDetails()).to.deep.equal({ code: 'TIMEOUT', retryable: true });
  });

  it('when nothing listens on the port, then NETWORK is retryable', async () => {
    const closedClient = createHttpClient({ connector: 'crm.http-test', baseURL: closedPortURL, timeoutMs: 1000 });
    const error = await connectorFailureOf(closedClient.get('/ok'));
    expect(error.toDetails()).to.deep.equal({ code: 'NETWORK', retryable: true });
    expect(error.message).to.contain('ECONNREFUSED');
  });

  it('logs method, path, status and duration at debug level, never the query, headers or body', async () => {
    lines.length = 0;
    await client().get('/ok', { params: { email: 'ada@example.com' } });
    expect(lines).to.have.length(1);
    const line = lines[0]!;
    expect(line).to.include({ level: 'debug', connector: 'crm.http-test', method: 'GET', path: '/ok', status: 200 });
    expect(line.durationMs).to.be.a('number');
    expect(JSON.stringify(line)).not.to.match(/ada@example|sk_test_secret|Ada/);
  });
});
