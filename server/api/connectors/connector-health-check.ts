import { isConnectorError } from '../../../connectors/connector-error';
import { plainText } from '../../../connectors/http/plain-text';
import type { Connector } from '../../../connectors/spi';

/** The answer of POST /v1/connectors/:name/test: always 200, the outcome is in the body. */
export type HealthCheckResult =
  | { ok: true; latencyMs: number }
  | {
      ok: false;
      latencyMs: number;
      error: { code: string; message: string; retryable: boolean; vendorMessage?: string };
    };

/**
 * An answer of /test is read by whoever holds connectors:write, about a destination they may
 * have chosen: it carries a line of plain text about the failure, never a vendor's page or a
 * server's banner beyond that.
 */
export const MAX_ANSWER_TEXT = 200;

class HealthCheckTimeout extends Error {
  constructor(ms: number) {
    super(`The health check did not answer within ${ms} ms.`);
  }
}

/** Plain text of at most MAX_ANSWER_TEXT characters: no markup, control characters or URL secrets (plain-text.ts). */
function answerText(text: string): string {
  return plainText(text, MAX_ANSWER_TEXT) ?? '(no message)';
}

function safeMessage(error: unknown): string {
  return answerText(error instanceof Error ? error.message : String(error));
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
    if (error instanceof HealthCheckTimeout)
      return { ok: false, latencyMs, error: { code: 'TIMEOUT', message: error.message, retryable: true } };
    if (isConnectorError(error)) {
      const vendorMessage = error.vendorMessage ? { vendorMessage: answerText(error.vendorMessage) } : {};
      return {
        ok: false,
        latencyMs,
        error: { code: error.code, message: safeMessage(error), retryable: error.retryable, ...vendorMessage },
      };
    }
    return { ok: false, latencyMs, error: { code: 'UNKNOWN', message: safeMessage(error), retryable: false } };
  } finally {
    clearTimeout(timer);
  }
}
