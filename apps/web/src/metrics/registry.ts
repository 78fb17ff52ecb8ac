import { collectDefaultMetrics, Registry } from 'prom-client'

/**
 * A registry of its own for one server, holding the default process metrics (CPU, memory, event loop, GC) too.
 * The app's own metrics are added by createApp. prom-client's global registry is never used, so that several
 * apps in one process (the tests) do not clash.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return registry
}
