/**
 * SendGrid's mail send (`POST /v3/mail/send`) as the API reference describes it: 202 with
 * X-Message-Id, unless the test scripts otherwise through `next`. Records every request body.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowListeningServer } from './egress-allowance';

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
  const server: Server = createServer((req: IncomingMessage, res) => {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const release = allowListeningServer(server);
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    next,
    close: async () => {
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
