import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | null = null;

/**
 * The process's own health (CPU, memory, event-loop lag, GC, handles), collected once per process
 * into a registry of our own rather than prom-client's global one, which any library may fill.
 */
export function processMetricsRegistry(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
