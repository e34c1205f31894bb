/**
 * Why an import stopped before the end of its file. The rows accepted until then stay accepted
 * (they are in the inbox and will run); sending the same file again is safe, as those rows then
 * count as duplicates. Each code is the import's failureCode and the problem type of the answer.
 */
export const IMPORT_FAILURE_CODES = [
  'too-large',
  'line-too-long',
  'invalid-header',
  'malformed-file',
  'backlog-full',
  'interrupted',
] as const;
export type ImportFailureCode = (typeof IMPORT_FAILURE_CODES)[number];

/** The HTTP status each failure answers with. */
export const IMPORT_FAILURE_STATUS: Readonly<Record<ImportFailureCode, number>> = {
  'too-large': 413,
  'line-too-long': 400,
  'invalid-header': 400,
  'malformed-file': 400,
  'backlog-full': 429,
  // Nobody is left to read the answer; the code is for GET /v1/imports/:id.
  interrupted: 400,
};

export class ImportFailure extends Error {
  constructor(
    readonly code: ImportFailureCode,
    readonly detail: string,
    /** The line where the file went wrong, when one did. */
    readonly line?: number,
  ) {
    super(detail);
    this.name = 'ImportFailure';
  }
}
