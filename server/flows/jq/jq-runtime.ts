import jqWeb from 'jq-web';

/**
 * Real jq (1.7.1, compiled to WebAssembly by jq-web) for the DSL's runtime expressions. It runs
 * outside the workflow sandbox: in activities, in local activities, in the API and in intake.
 * One instance per process: it costs about 16 MiB of wasm memory, and a program is compiled again
 * on every run (~2 ms), which is why callers batch the expressions of one step into one program.
 *
 * Determinism: `env` and `$ENV` see only the wasm runtime's fixed defaults (never the process's
 * environment, so no secret); `now` is the wall clock of the evaluation, whose result the workflow
 * history records like any activity result.
 */
export interface JqRuntime {
  /**
   * Runs `program` over `input` with `$name` bound to each variable, returning every output
   * (compact JSON, parsed). Throws a JqError.
   */
  run(program: string, input: unknown, variables?: Readonly<Record<string, unknown>>): unknown[];
}

/** What jq refused: `compile` for a program that does not parse, `runtime` for one that failed on its input. */
export class JqError extends Error {
  constructor(
    readonly phase: 'compile' | 'runtime',
    message: string,
  ) {
    super(message);
    this.name = 'JqError';
  }
}

const COMPILE_ERROR_EXIT = 3;
const JQ_PREFIX = /^jq: error(?: \(at [^)]*\))?: /;

let loaded: Promise<JqRuntime> | null = null;

/** The process's jq, loaded on first use (the wasm module is instantiated once). */
export function loadJq(): Promise<JqRuntime> {
  loaded ??= jqWeb.then(createRuntime);
  return loaded;
}

function createRuntime(module: Awaited<typeof jqWeb>): JqRuntime {
  return {
    run(program, input, variables = {}) {
      const names = Object.keys(variables);
      // Variables travel in the one input document and are destructured into $names: a third
      // cheaper than --argjson, which jq-web turns into one file (and one JSON parse) per variable.
      const filter =
        names.length === 0
          ? program
          : `.[1] as {${names.map((name) => `"${name}": $${name}`).join(', ')}} | .[0] | (\n${program}\n)`;
      const document = names.length === 0 ? (input ?? null) : [input ?? null, variables];
      let text: string | undefined;
      try {
        text = module.raw(JSON.stringify(document), filter, ['-c']);
      } catch (error) {
        throw toJqError(error);
      }
      return (text ?? '')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as unknown);
    },
  };
}

function toJqError(error: unknown): JqError {
  const details = error as { exitCode?: number; stderr?: string; message?: string };
  const stderr = (details.stderr ?? details.message ?? String(error)).trim();
  const phase = details.exitCode === COMPILE_ERROR_EXIT ? 'compile' : 'runtime';
  // jq's own wording, without its "jq: error" prefix and the echo of the program text.
  const message = (stderr.split('\n')[0] ?? stderr)
    .replace(JQ_PREFIX, '')
    .replace(/\s*\(Unix shell quoting issues\?\)/, '')
    .replace(/\s+at <top-level>, line \d+:?$/, '')
    .trim();
  return new JqError(phase, message || stderr);
}
