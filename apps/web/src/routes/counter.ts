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
  summary: 'Increment the request counter atomically and return its new value',
  responses: {
    200: jsonContent(CounterSchema, 'The new value'),
    503: errorContent('The cache is unavailable'),
  },
})

const stats = createRoute({
  method: 'get',
  path: '/api/stats',
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

export function counterRoutes({ queries, cache }: { queries: Queries; cache: Cache }) {
  return new OpenAPIHono<AppEnv>()
    .openapi(counter, async (c) =>
      c.json({ contador: await fromCache(incrementCounter(cache)) }, 200),
    )
    .openapi(stats, async (c) => {
      const [total_posts, total_requisicoes] = await Promise.all([
        queries.countPosts(),
        fromCache(readCounter(cache)),
      ])
      return c.json({ total_posts, total_requisicoes, timestamp: new Date().toISOString() }, 200)
    })
}
