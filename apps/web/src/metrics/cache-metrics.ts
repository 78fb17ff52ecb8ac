import type { Cache } from '@repo/cache/cache'
import { Counter, Gauge, type Registry } from 'prom-client'

export interface PostsCacheMetrics {
  hit(): void
  /** A read that found no usable copy and went to the database. */
  miss(): void
  /** A Redis failure the posts cache worked around, or an invalidation that failed. */
  error(): void
}

export function postsCacheMetrics(registry: Registry): PostsCacheMetrics {
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] })
  const hits = counter('posts_cache_hits_total', 'Reads of posts_cache answered from Redis.')
  const misses = counter(
    'posts_cache_misses_total',
    'Reads of posts_cache answered from the database.',
  )
  const errors = counter(
    'posts_cache_errors_total',
    'Redis failures met by posts_cache: failed or invalid reads, failed stores and invalidations.',
  )
  return { hit: () => hits.inc(), miss: () => misses.inc(), error: () => errors.inc() }
}

/** 1 while the Redis client is connected and ready, read when scraped. */
export function watchRedisConnection(registry: Registry, cache: Cache): void {
  new Gauge({
    name: 'redis_connected',
    help: 'Whether the Redis client is connected and ready (1) or not (0).',
    registers: [registry],
    collect() {
      this.set(cache.isReady() ? 1 : 0)
    },
  })
}
