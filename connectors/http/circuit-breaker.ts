/**
 * A circuit breaker per connector instance and process (opossum). Only failures a retry could
 * fix — network, timeout, 5xx, 429, i.e. retryable ConnectorErrors — count towards opening it;
 * a 404 or 400 proves the vendor is up. While open, calls fail fast with a retryable
 * VENDOR_UNAVAILABLE whose retryAfterMs is the time left until a probe is allowed; after
 * `resetTimeoutMs` one probe goes through (half-open): success closes, failure re-opens.
 */
import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import { getLogger } from '../../logging/logger';
import { ConnectorError } from '../connector-error';
import { ConnectorErrorCode } from '../connector-error-codes';

export interface CircuitBreakerOptions {
  /** Failure percentage within the rolling window above which the circuit opens. Default 50. */
  errorThresholdPercentage?: number;
  /** Calls within the rolling window before the percentage is judged. Default 5. */
  volumeThreshold?: number;
  /** How long the circuit stays open before one probe is let through. Default 30 000 ms. */
  resetTimeoutMs?: number;
  /** Length of the rolling statistics window. Default 10 000 ms. */
  rollingWindowMs?: number;
}

export interface ConnectorCircuitBreaker {
  /** Throws the fail-fast error when no call may go out now (checked before spending rate budget). */
  throwIfOpen(): void;
  /** Runs `call` under the breaker; `call` must throw ConnectorErrors. */
  run<T>(call: () => Promise<T>): Promise<T>;
  readonly state: 'closed' | 'open' | 'halfOpen';
  /** Stops the statistics timer. */
  shutdown(): void;
}

export const CIRCUIT_BREAKER_DEFAULTS = {
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 30_000,
  rollingWindowMs: 10_000,
} as const satisfies Required<CircuitBreakerOptions>;

const WINDOW_BUCKETS = 10;
/** While the half-open probe is in flight, others are told to come back after about this long. */
const PROBE_PENDING_RETRY_MS = 1_000;

type Action = (call: () => Promise<unknown>) => Promise<unknown>;

/** Errors that do not say the vendor is down: opossum counts them as successes. */
function doesNotCount(error: unknown): boolean {
  return !(error instanceof ConnectorError && error.retryable);
}

function isOpenBreakerError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EOPENBREAKER';
}

export function createCircuitBreaker(connector: string, options: CircuitBreakerOptions = {}): ConnectorCircuitBreaker {
  const settings = { ...CIRCUIT_BREAKER_DEFAULTS, ...options };
  // Buckets rotate on our own timer so that closing can start a clean window: otherwise the
  // failures that opened the circuit would re-open it on the first error after recovery.
  const rotation = new EventEmitter();
  const rotate = () => rotation.emit('rotate');
  const timer = setInterval(rotate, Math.max(1, Math.floor(settings.rollingWindowMs / WINDOW_BUCKETS)));
  timer.unref();

  const breaker = new CircuitBreaker<[() => Promise<unknown>], unknown>(((call) => call()) as Action, {
    name: connector,
    timeout: false, // the HTTP client's own timeout applies
    errorThresholdPercentage: settings.errorThresholdPercentage,
    volumeThreshold: settings.volumeThreshold,
    resetTimeout: settings.resetTimeoutMs,
    rollingCountTimeout: settings.rollingWindowMs,
    rollingCountBuckets: WINDOW_BUCKETS,
    rotateBucketController: rotation,
    enableSnapshots: false,
    errorFilter: doesNotCount,
  });

  let openedAt = 0;
  breaker.on('open', () => {
    openedAt = Date.now();
    getLogger().warn('circuit opened: failing fast', { connector, resetTimeoutMs: settings.resetTimeoutMs });
  });
  breaker.on('halfOpen', () => getLogger().info('circuit half-open: letting one probe through', { connector }));
  breaker.on('close', () => {
    for (let i = 0; i < WINDOW_BUCKETS; i += 1) rotate();
    getLogger().info('circuit closed', { connector });
  });

  function failFast(): ConnectorError {
    const retryAfterMs = breaker.opened
      ? Math.max(1, openedAt + settings.resetTimeoutMs - Date.now())
      : Math.min(PROBE_PENDING_RETRY_MS, settings.resetTimeoutMs);
    return new ConnectorError(`${connector}: circuit open after repeated failures; not calling the vendor`, {
      code: ConnectorErrorCode.VendorUnavailable,
      retryable: true,
      retryAfterMs,
    });
  }

  return {
    throwIfOpen() {
      if (breaker.opened || (breaker.halfOpen && !breaker.pendingClose)) throw failFast();
    },
    async run<T>(call: () => Promise<T>): Promise<T> {
      try {
        return (await breaker.fire(call)) as T;
      } catch (error) {
        throw isOpenBreakerError(error) ? failFast() : error;
      }
    },
    get state() {
      return breaker.opened ? 'open' : breaker.halfOpen ? 'halfOpen' : 'closed';
    },
    shutdown() {
      clearInterval(timer);
      breaker.shutdown();
    },
  };
}
