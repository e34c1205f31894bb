/** A DSL 1.0 duration: `{ days, hours, minutes, seconds, milliseconds }` or an ISO 8601 duration such as `PT30S`. */
export type DslDuration = string | Partial<Record<'days' | 'hours' | 'minutes' | 'seconds' | 'milliseconds', number>>;

const UNIT_MS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000, milliseconds: 1 } as const;

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of a DSL duration; throws on a value that is none. */
export function durationMs(duration: unknown): number {
  if (typeof duration === 'string') {
    const match = ISO_DURATION.exec(duration);
    if (!match || duration === 'P' || duration.endsWith('T')) throw new Error(`${duration} is no ISO 8601 duration`);
    const [, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
    return (
      (days ?? 0) * UNIT_MS.days +
      (hours ?? 0) * UNIT_MS.hours +
      (minutes ?? 0) * UNIT_MS.minutes +
      (seconds ?? 0) * 1000
    );
  }
  if (typeof duration === 'object' && duration !== null) {
    return Object.entries(UNIT_MS).reduce((total, [unit, ms]) => {
      const value = (duration as Record<string, unknown>)[unit];
      return total + (typeof value === 'number' ? value * ms : 0);
    }, 0);
  }
  throw new Error(`${JSON.stringify(duration)} is no duration`);
}
