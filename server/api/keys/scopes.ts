/** Every scope a key may carry. `admin` implies all of them. */
export const SCOPES = ['runs:read', 'runs:write', 'schedules:write', 'connectors:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function grants(scopes: readonly Scope[], required: Scope): boolean {
  return scopes.includes('admin') || scopes.includes(required);
}

/** Who is calling: the verified key, never its secret. */
export interface Principal {
  keyId: number;
  name: string;
  prefix: string;
  scopes: readonly Scope[];
}
