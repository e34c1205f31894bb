/** A running process role; stop() is graceful and idempotent. */
export interface RunningRole {
  name: string;
  /** Settles when the role stops by itself (e.g. a fatal worker error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export const ROLE_NAMES = ['api', 'worker', 'intake', 'all'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export function parseRole(value: string | undefined): RoleName {
  const role = value ?? 'all';
  if (!(ROLE_NAMES as readonly string[]).includes(role)) {
    throw new Error(`Unknown role "${role}": expected one of ${ROLE_NAMES.join(', ')}`);
  }
  return role as RoleName;
}
