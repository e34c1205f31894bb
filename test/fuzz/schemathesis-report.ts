/** The counts of a Schemathesis run, read from the summary it prints last. */
export interface FuzzCounts {
  /** Test cases generated across all phases. */
  generated: number;
  /** Operations that received at least one request, of those selected. */
  operationsTested: number;
  operationsSelected: number;
  /** Unique failures found (0 when the summary names none). */
  failures: number;
}

function numberAfter(output: string, pattern: RegExp): number {
  const match = pattern.exec(output);
  return match ? Number(match[1]) : 0;
}

/** Reads the SUMMARY block, e.g. "Selected: 40/40", "Tested: 40", "5200 generated, 3 found 4 unique failures". */
export function fuzzCounts(output: string): FuzzCounts {
  return {
    generated: numberAfter(output, /^\s*(\d+) generated\b/m),
    operationsTested: numberAfter(output, /^\s*Tested: (\d+)/m),
    operationsSelected: numberAfter(output, /^\s*Selected: (\d+)\//m),
    failures: numberAfter(output, /(\d+) unique failures?/),
  };
}
