/**
 * Limits on a flow definition, checked when it is published. They keep one flow's interpreter
 * workflow within what a Temporal workflow carries comfortably: the document travels in the
 * workflow's input (Temporal refuses payloads over 2 MB), every task adds history events, and
 * every concurrent `for` iteration holds activities in flight.
 */

/** Bytes of the document as canonical JSON (what is stored and handed to the interpreter), not of the YAML text. */
export const MAX_FLOW_DOCUMENT_BYTES = 256 * 1024;

/** Tasks in the whole flow, nested ones included. */
export const MAX_FLOW_TASKS = 200;

/** Tasks inside tasks: a top-level task is at depth 1; a task in its `do`, `try`, `catch.do`, `for` or `fork` at depth 2. */
export const MAX_FLOW_NESTING_DEPTH = 8;

/** The most iterations of one `for` task that run at once (`metadata.concurrency`). */
export const MAX_FOR_CONCURRENCY = 20;
