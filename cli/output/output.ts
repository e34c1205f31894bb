import type { Writable } from 'node:stream';
import type { ApiReply } from '../api-client';

export interface OutputOptions {
  /** Machine output: stdout carries exactly the API's JSON and nothing else. */
  json: boolean;
  /** Only the essential identifiers on stdout; no notices, no progress. */
  quiet: boolean;
  stdout: Writable;
  stderr: Writable;
}

/**
 * Where a command's words go. Results are on stdout; notices and live progress on stderr, so
 * `id=$(junction runs start …)` captures the id and nothing else.
 */
export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly stdout: Writable;
  readonly stderr: Writable;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.quiet = options.quiet;
    this.stdout = options.stdout;
    this.stderr = options.stderr;
  }

  /** Human output on stdout (skipped in --json mode). */
  print(text: string): void {
    if (this.json) return;
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A notice for people on stderr (skipped with --quiet or --json). */
  notice(text: string): void {
    if (this.json || this.quiet) return;
    this.stderr.write(`${text}\n`);
  }

  /** The API's body exactly as sent, on stdout (nothing for an empty body, e.g. 204). */
  printJsonText(text: string): void {
    if (text.length > 0) this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A value the CLI assembled from several API answers (e.g. pages followed by `runs list`). */
  printJsonValue(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /**
   * The usual ending of a command: the API's body in --json mode, else `quietText` with --quiet
   * (ids only; nothing when null) or the human rendering.
   */
  emit<T>(reply: ApiReply<T>, render: (body: T) => string, quietText?: (body: T) => string | null): void {
    if (this.json) {
      this.printJsonText(reply.text);
      return;
    }
    if (this.quiet && quietText) {
      const text = quietText(reply.body);
      if (text !== null && text.length > 0) this.print(text);
      return;
    }
    if (this.quiet) return;
    this.print(render(reply.body));
  }

  /** An error line on stderr; always shown. */
  error(text: string): void {
    this.stderr.write(`junction: ${text}\n`);
  }
}
