import { createServer, type Server } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import type { Registry } from 'prom-client'
import { errorResponse } from '../errors.js'
import { listen } from '../listen.js'
import { metricsRoutes } from '../routes/metrics.js'

/** GET /metrics alone, on a port of its own (METRICS_PORT), so that it stays off the public one. */
export async function startMetricsServer(registry: Registry, port: number): Promise<Server> {
  const app = new Hono()
  app.route('/', metricsRoutes(registry))
  app.notFound((c) => errorResponse(c, 404, 'Rota não encontrada'))
  const server = createServer(getRequestListener(app.fetch))
  await listen(server, port)
  return server
}
