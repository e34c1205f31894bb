/** Run-time limits of the interpreter (publish-time ones are in server/flows/flow-limits.ts). */

/**
 * Items one `for` task may iterate: every iteration adds history events, and a Temporal history
 * should stay well under its 50k-event limit; larger batches belong in a code process or in sub-flows.
 */
export const MAX_FOR_ITEMS = 1000;
