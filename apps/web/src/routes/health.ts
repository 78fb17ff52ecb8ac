import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { withTimeout } from '@repo/async/deadline'
import type { Cache } from '@repo/cache/cache'
import type { ConnectionState } from '@repo/contracts/status'
import { HealthSchema, StatusSchema } from '@repo/contracts/status'
import type { AppEnv } from '../app-env.js'
import type { Queries } from '../metrics/db-queries.js'
import { jsonContent } from '../openapi.js'

/** Each dependency gets this long to answer, so `/status` always answers within 2 s. */
const PING_TIMEOUT_MS = 1500

const health = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'getHealth',
  summary: 'Liveness: the process answers; touches neither the database nor the cache',
  responses: { 200: jsonContent(HealthSchema, 'The process is alive') },
})

const status = createRoute({
  method: 'get',
  path: '/status',
  operationId: 'getStatus',
  summary: 'Readiness: whether the database and the cache answer',
  responses: {
    200: jsonContent(StatusSchema, 'Both dependencies answer'),
    503: jsonContent(StatusSchema, 'A dependency is down or does not answer'),
  },
})

async function probe(ping: () => Promise<void>): Promise<ConnectionState> {
  try {
    await withTimeout(ping(), PING_TIMEOUT_MS)
    return 'conectado'
  } catch {
    return 'desconectado'
  }
}

export function healthRoutes({ queries, cache }: { queries: Queries; cache: Cache }) {
  return new OpenAPIHono<AppEnv>()
    .openapi(health, (c) => c.json({ status: 'healthy' as const }, 200))
    .openapi(status, async (c) => {
      const [banco_dados, cacheState] = await Promise.all([
        probe(queries.ping),
        probe(() => cache.ping()),
      ])
      const ok = banco_dados === 'conectado' && cacheState === 'conectado'
      const body = {
        banco_dados,
        cache: cacheState,
        status: ok ? ('ok' as const) : ('degradado' as const),
        timestamp: new Date().toISOString(),
      }
      if (ok) return c.json(body, 200)
      c.set(
        'errorKind',
        banco_dados === 'desconectado' ? 'database unavailable' : 'cache unavailable',
      )
      return c.json(body, 503)
    })
}
