/**
 * What a signal sent by the intake carries as its second argument, after the event (or the part of
 * it the source maps). Workflow-safe: types only, so a workflow may `import type` it.
 *
 * The intake delivers each accepted event once in the normal course, but a crash between
 * Temporal accepting a signal and the inbox row being marked done delivers it again on retry.
 * A workflow that must not act twice on one event keeps the `eventId`s it has handled (per
 * `source`) and ignores a repeat. Starts need no such care: the workflow id dedups them.
 * Updates carry `<source>:<eventId>` as their update id, which Temporal dedups itself.
 */
export interface EventDelivery {
  /** The source name (the `:source` of POST /v1/events/:source). */
  source: string;
  /** The sender's event id, unique per source. */
  eventId: string;
  /** The inbox row (event_inbox.id), for support. */
  inboxId: string;
}
