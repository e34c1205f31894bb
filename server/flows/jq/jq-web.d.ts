/** jq-web ships no types: its CommonJS export is a promise of the instantiated module. */
declare module 'jq-web' {
  interface JqWebModule {
    /** Runs jq's main with `flags`, `filter` and `input` as its input file; returns stdout. Throws with `exitCode` and `stderr`. */
    raw(input: string, filter: string, flags?: string[]): string;
    json(input: unknown, filter: string): unknown;
  }
  const module: Promise<JqWebModule>;
  export default module;
}
