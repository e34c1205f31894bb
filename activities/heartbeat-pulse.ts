import { heartbeat } from '@temporalio/activity';

/** Well inside the heartbeating presets' 30 s heartbeat timeout; the SDK throttles what it sends anyway. */
const PULSE_MS = 5_000;

/**
 * Heartbeats with the latest `details()` every few seconds while `work` runs, so that one slow
 * vendor call (an SMTP connect and send may take 40 s before its own timeouts fire) is not taken
 * for a dead worker and retried while it is still in flight.
 */
export async function withHeartbeatPulse<T>(details: () => unknown, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => heartbeat(details()), PULSE_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
