/**
 * What the CLI's e2e tests run against: an API stack (real API on the dev server with MariaDB,
 * an SMTP sink and, when asked, a Junction worker on the suite's own task queue) plus the
 * helpers to call the CLI and the API side by side.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { RunningApiServer } from '../../server/api/server';
import { startApiStack } from './api-stack';
import { runJunction, type CliResult } from './cli-runner';
import type { SmtpSink } from './smtp-sink';
import type { TestDatabase } from './test-database';

export interface JunctionCallOptions {
  /** Default: the admin key; null sends none. */
  key?: string | null;
  stdin?: string;
  /** Default: this stack's API. */
  url?: string;
  interruptOnStderr?: RegExp;
}

export interface CliStack {
  db: TestDatabase;
  smtp: SmtpSink;
  temporal: Client;
  api: RunningApiServer;
  adminKey: string;
  /** runs:read only. */
  readerKey: string;
  /** The CLI as a child process, configured by JUNCTION_URL / JUNCTION_API_KEY. */
  junction(args: string[], options?: JunctionCallOptions): Promise<CliResult>;
  /** The API's own answer, fetched directly with the admin key, to compare the CLI's --json output with. */
  apiGet(path: string): Promise<{ status: number; text: string }>;
  /** A file in the stack's temporary folder. */
  writeTemp(name: string, content: string): Promise<string>;
  close(): Promise<void>;
}

export async function startCliStack(label: string, { worker }: { worker: boolean }): Promise<CliStack> {
  const stack = await startApiStack({ label, worker });
  const { db, smtp, temporal, api } = stack;
  const adminKey = await stack.createKey('ops', ['admin']);
  const readerKey = await stack.createKey('dashboard', ['runs:read']);
  const workDir = await mkdtemp(join(tmpdir(), 'junction-cli-'));

  return {
    db,
    smtp,
    temporal,
    api,
    adminKey,
    readerKey,
    junction: (args, options = {}) =>
      runJunction(args, {
        url: options.url ?? api.url,
        ...(options.key === null ? {} : { key: options.key ?? adminKey }),
        ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
        ...(options.interruptOnStderr === undefined ? {} : { interruptOnStderr: options.interruptOnStderr }),
      }),
    async apiGet(path) {
      const response = await fetch(api.url + path, { headers: { authorization: `Bearer ${adminKey}` } });
      return { status: response.status, text: await response.text() };
    },
    async writeTemp(name, content) {
      const path = join(workDir, name);
      await writeFile(path, content);
      return path;
    },
    async close() {
      await stack.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
