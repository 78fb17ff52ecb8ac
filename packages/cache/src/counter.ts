import type { Cache } from './client.js'
import { COUNTER_KEY } from './keys.js'

/** INCR: concurrent callers never share a value. Rejects when Redis is unavailable. */
export async function incrementCounter(cache: Cache, key = COUNTER_KEY): Promise<number> {
  return cache.withTimeout(cache.client.incr(cache.key(key)))
}

/** The current value without incrementing it; 0 when unset. Rejects when Redis is unavailable. */
export async function readCounter(cache: Cache, key = COUNTER_KEY): Promise<number> {
  const stored = await cache.withTimeout(cache.client.get(cache.key(key)))
  if (stored === null) return 0
  const value = Number(stored)
  if (!Number.isSafeInteger(value)) {
    throw new Error(`Counter ${cache.key(key)} holds ${JSON.stringify(stored)}, not an integer`)
  }
  return value
}
