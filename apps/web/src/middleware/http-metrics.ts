import type { MiddlewareHandler } from 'hono'
import type { HttpMetrics } from '../metrics/http-metrics.js'
import { methodLabel, routeLabel } from './route-label.js'

/** Counts and times every answered request by method, route pattern and status. */
export function httpMetrics(metrics: HttpMetrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now()
    await next()
    const seconds = (performance.now() - started) / 1000
    metrics.observe(methodLabel(c.req.method), routeLabel(c), c.res.status, seconds)
  }
}
