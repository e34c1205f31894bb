/**
 * What middleware leaves on `res.locals` for later middleware. Typed here once so handlers do not
 * cast; services never see it.
 */
import type { Principal } from '../auth/scopes';

export interface AuditMark {
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

declare global {
  // Express declares its extension points in this global namespace.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      requestId?: string;
      principal?: Principal;
      /** The route pattern (e.g. `/v1/runs/:workflowId`), for logs that must not carry raw ids. */
      route?: string;
      audit?: AuditMark;
    }
  }
}

export {};
