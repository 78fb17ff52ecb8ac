import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { Cache } from '@repo/cache/cache'
import { incrementCounter, readCounter } from '@repo/cache/counter'
import { CounterSchema, StatsSchema } from '@repo/contracts/counter'
import type { AppEnv } from '../app-env.js'
import { cacheUnavailable } from '../errors.js'
import type { Queries } from '../metrics/db-queries.js'
import { errorContent, jsonContent } from '../openapi.js'

const counter = createRoute({
  method: 'get',
  path: '/api/contador',
  operationId: 'incrementCounter',
  summary: 'Increment the request counter atomically and return its new value',
  responses: {
    200: jsonContent(CounterSchema, 'The new value'),
    503: errorContent('The cache is unavailable'),
  },
})

const stats = createRoute({
  method: 'get',
  path: '/api/stats',
  operationId: 'getStats',
  summary: 'Number of posts and the current counter, without incrementing it',
  responses: {
    200: jsonContent(StatsSchema, 'The statistics'),
    503: errorContent('The database or the cache is unavailable'),
  },
})

async function fromCache<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation
  } catch {
    throw cacheUnavailable()
  }
}

interface CounterRoutesDeps {
  queries: Queries
  cache: Cache
  /** Told every new value of the counter, e.g. to pass it on to the open event streams. */
  onCount?: (value: number) => void
}

export function counterRoutes({ queries, cache, onCount }: CounterRoutesDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(counter, async (c) => {
      const contador = await fromCache(incrementCounter(cache))
      onCount?.(contador)
      return c.json({ contador }, 200)
    })
    .openapi(stats, async (c) => {
      const [total_posts, total_requisicoes] = await Promise.all([
        queries.countPosts(),
        fromCache(readCounter(cache)),
      ])
      return c.json({ total_posts, total_requisicoes, timestamp: new Date().toISOString() }, 200)
    })
}
