import type { Cache } from './client.js'
import {
  deleteAndAdvanceGeneration,
  readEntry,
  type StoredEntry,
  storeIfGenerationUnchanged,
} from './generation.js'
import { Flights } from './single-flight.js'

export interface CacheAsideOptions<T> {
  /** Logical key, e.g. 'posts_cache' (prefixed by cache.key). */
  key: string
  ttlSeconds: number
  /** The source of truth (the database). */
  load: () => Promise<T>
  /** Validates JSON read from Redis; undefined = treat as a miss. */
  parse: (cached: unknown) => T | undefined
  /** Told about cache failures that were worked around by calling `load` (for logging). */
  onCacheError?: (error: Error) => void
}

const flightsByCache = new WeakMap<Cache, Flights>()

function flightsOf(cache: Cache): Flights {
  let flights = flightsByCache.get(cache)
  if (!flights) {
    flights = new Flights()
    flightsByCache.set(cache, flights)
  }
  return flights
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

type Lookup<T> = { found: true; value: T } | { found: false; generation: string | undefined }

async function lookup<T>(
  cache: Cache,
  dataKey: string,
  options: CacheAsideOptions<T>,
): Promise<Lookup<T>> {
  let entry: StoredEntry
  try {
    entry = await readEntry(cache, dataKey)
  } catch (error) {
    options.onCacheError?.(asError(error))
    return { found: false, generation: undefined }
  }
  if (entry.data === null) return { found: false, generation: entry.generation }
  try {
    const value = options.parse(JSON.parse(entry.data))
    if (value !== undefined) return { found: true, value }
  } catch {
    // Unparseable JSON, or a parse function that throws: both are a miss.
  }
  options.onCacheError?.(new Error(`Cached value under ${dataKey} is invalid; reloading it`))
  return { found: false, generation: entry.generation }
}

async function loadAndStore<T>(
  cache: Cache,
  dataKey: string,
  generation: string | undefined,
  options: CacheAsideOptions<T>,
): Promise<T> {
  const value = await options.load()
  // Without a generation Redis just failed us; storing would only wait on it again.
  if (generation !== undefined) {
    try {
      const data = JSON.stringify(value)
      await storeIfGenerationUnchanged(cache, dataKey, generation, data, options.ttlSeconds)
    } catch (error) {
      options.onCacheError?.(asError(error))
    }
  }
  return value
}

/**
 * Cache-aside read: the cached value on a hit; on a miss `load()`, stored with a TTL. A cache
 * failure never fails the read: it falls back to `load()`, whose errors propagate. Concurrent
 * misses for one key share one `load()`.
 */
export async function cacheAside<T>(
  cache: Cache,
  options: CacheAsideOptions<T>,
): Promise<{ value: T; hit: boolean }> {
  const dataKey = cache.key(options.key)
  const cached = await lookup(cache, dataKey, options)
  if (cached.found) return { value: cached.value, hit: true }

  const value = await flightsOf(cache).join(dataKey, cached.generation, () =>
    loadAndStore(cache, dataKey, cached.generation, options),
  )
  return { value, hit: false }
}

/**
 * Deletes the cached value; a fill whose load started before this call will not store its value.
 * Rejects when Redis fails.
 */
export async function invalidate(cache: Cache, key: string): Promise<void> {
  const dataKey = cache.key(key)
  flightsOf(cache).forget(dataKey)
  await deleteAndAdvanceGeneration(cache, dataKey)
}
