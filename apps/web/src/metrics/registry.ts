import { collectDefaultMetrics, Registry } from 'prom-client'

/**
 * Default metrics that are gauges named like counters (`_total`), which `promtool check metrics` rejects. Each is
 * the sum of the gauge of the same name without `_total`, by type, which stays: `sum(nodejs_active_handles)`.
 */
const MISNAMED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]

/**
 * A registry of its own for one server, holding the default process metrics (CPU, memory, event loop, GC) too.
 * The app's own metrics are added by createApp. prom-client's global registry is never used, so that several
 * apps in one process (the tests) do not clash.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  for (const name of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(name)
  return registry
}
