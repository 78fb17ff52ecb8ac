import { Hono } from 'hono'
import type { Registry } from 'prom-client'

/** GET /metrics in the Prometheus text format. Not in the OpenAPI document: it is for scrapers, not clients. */
export function metricsRoutes(registry: Registry) {
  return new Hono().get('/metrics', async (c) =>
    c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }),
  )
}
