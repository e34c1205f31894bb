/**
 * SendGrid's mail send (`POST /v3/mail/send`) as the API reference describes it: 202 with
 * X-Message-Id, unless the test scripts otherwise through `next`. Records every request body.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { listen } from './listen';

export interface SendGridFakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface SendGridMailBody {
  subject?: string;
  from?: { email: string; name?: string };
  headers?: Record<string, string>;
  personalizations: { to?: { email: string; name?: string }[]; custom_args?: Record<string, string> }[];
  content?: { type: string; value: string }[];
}

export interface SendGridReceived {
  authorization: string | undefined;
  body: SendGridMailBody;
}

export interface SendGridFake {
  url: string;
  received: SendGridReceived[];
  /** Scripted answers, used once each before the default 202. */
  next: SendGridFakeAnswer[];
  close(): Promise<void>;
}

export async function startSendGridFake(): Promise<SendGridFake> {
  const received: SendGridReceived[] = [];
  const next: SendGridFakeAnswer[] = [];
  const server = await listen((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SendGridMailBody,
      });
      const answer = next.shift() ?? {
        status: 202,
        headers: { 'X-Message-Id': `sg-${randomBytes(8).toString('hex')}` },
      };
      res.writeHead(answer.status, {
        ...(answer.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...answer.headers,
      });
      res.end(answer.body !== undefined ? JSON.stringify(answer.body) : undefined);
    });
  });
  return { url: server.url, received, next, close: () => server.close() };
}
