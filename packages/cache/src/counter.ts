import type { Cache } from './cache.js'
import { COUNTER_KEY } from './keys.js'

/** Atomic increment: concurrent callers never share a value. Rejects when the store is unavailable. */
export async function incrementCounter(cache: Cache, key = COUNTER_KEY): Promise<number> {
  return cache.increment(cache.key(key))
}

/** The current value without incrementing it; 0 when unset. Rejects when the store is unavailable. */
export async function readCounter(cache: Cache, key = COUNTER_KEY): Promise<number> {
  const stored = await cache.read(cache.key(key))
  if (stored === null) return 0
  const value = Number(stored)
  if (!Number.isSafeInteger(value)) {
    throw new Error(`Counter ${cache.key(key)} holds ${JSON.stringify(stored)}, not an integer`)
  }
  return value
}
