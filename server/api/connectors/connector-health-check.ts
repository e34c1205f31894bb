import { isConnectorError } from '../../../connectors/connector-error';
import type { Connector } from '../../../connectors/spi';

/** The answer of POST /v1/connectors/:name/test: always 200, the outcome is in the body. */
export type HealthCheckResult =
  | { ok: true; latencyMs: number }
  | { ok: false; latencyMs: number; error: { code: string; message: string; retryable: boolean; vendorMessage?: string } };

const MAX_ERROR_MESSAGE = 500;

class HealthCheckTimeout extends Error {
  constructor(ms: number) {
    super(`The health check did not answer within ${ms} ms.`);
  }
}

/** Messages of plugin errors are not ours: strip URL credentials and bound the length. */
function safeMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const cleaned = text.replace(/\/\/[^/\s@]*@/g, '//***@').replace(/\s+/g, ' ').trim();
  return cleaned.length > MAX_ERROR_MESSAGE ? `${cleaned.slice(0, MAX_ERROR_MESSAGE - 1)}…` : cleaned;
}

/**
 * Builds the connector and runs its healthCheck() live, bounded by `timeoutMs`. A connector that
 * cannot be built (CONNECTOR_MISCONFIGURED) or fails is an answer, not an API error.
 */
export async function runHealthCheck(build: () => Connector, timeoutMs: number): Promise<HealthCheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  try {
    const connector = build();
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new HealthCheckTimeout(timeoutMs)), timeoutMs);
    });
    await Promise.race([connector.healthCheck(), timeout]);
    return { ok: true, latencyMs: elapsed() };
  } catch (error) {
    const latencyMs = elapsed();
    if (error instanceof HealthCheckTimeout) return { ok: false, latencyMs, error: { code: 'TIMEOUT', message: error.message, retryable: true } };
    if (isConnectorError(error)) {
      const vendorMessage = error.vendorMessage ? { vendorMessage: safeMessage(error.vendorMessage) } : {};
      return { ok: false, latencyMs, error: { code: error.code, message: safeMessage(error), retryable: error.retryable, ...vendorMessage } };
    }
    return { ok: false, latencyMs, error: { code: 'UNKNOWN', message: safeMessage(error), retryable: false } };
  } finally {
    clearTimeout(timer);
  }
}
