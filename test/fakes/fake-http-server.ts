import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, type ListeningServer } from './listen';

/** What every class-style HTTP fake shares: a loopback server of its own, its URL, and closing it. */
export abstract class FakeHttpServer {
  private listening: ListeningServer | undefined;

  /** Answers one request. */
  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;

  async start(): Promise<this> {
    this.listening = await listen((req, res) => void this.handle(req, res));
    return this;
  }

  async close(): Promise<void> {
    await this.listening?.close();
    this.listening = undefined;
  }

  /** http://127.0.0.1:<port>, once started. */
  get url(): string {
    if (!this.listening) throw new Error(`${this.constructor.name} is not started`);
    return this.listening.url;
  }
}
