import { asError } from './as-error.js'
import type { Cache, LoadInFlight } from './client.js'
import { generationKey } from './keys.js'

export interface CacheAsideOptions<T> {
  /** Logical key, e.g. POSTS_CACHE_KEY (prefixed by cache.key). */
  key: string
  ttlSeconds: number
  /** The source of truth (the database). */
  load: () => Promise<T>
  /** Validates JSON read from Redis; undefined = treat as a miss. */
  parse: (cached: unknown) => T | undefined
  /** Told about cache failures that were worked around by calling `load` (for logging). */
  onCacheError?: (error: Error) => void
}

// Every cached key has a generation counter next to it. An invalidation bumps it, and a fill stores its value
// only if the generation is still the one it saw before loading, so a value loaded before an invalidation can
// never be stored after it, whichever instance invalidated.

/** The generation of a key that was never invalidated. */
const NO_GENERATION = ''

const DELETE_AND_ADVANCE_GENERATION = `
redis.call('DEL', KEYS[1])
return redis.call('INCR', KEYS[2])
`

const SET_IF_GENERATION_UNCHANGED = `
local current = redis.call('GET', KEYS[2]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`

type Lookup<T> = { found: true; value: T } | { found: false; generation: string | undefined }

/** The cached value and its generation, in one round trip; a miss without generation when Redis fails. */
async function lookup<T>(
  cache: Cache,
  dataKey: string,
  options: CacheAsideOptions<T>,
): Promise<Lookup<T>> {
  let data: string | null
  let generation: string
  try {
    const [value = null, stored = null] = await cache.withTimeout(
      cache.client.mGet([dataKey, generationKey(dataKey)]),
    )
    data = value
    generation = stored ?? NO_GENERATION
  } catch (error) {
    options.onCacheError?.(asError(error))
    return { found: false, generation: undefined }
  }
  if (data === null) return { found: false, generation }
  try {
    const value = options.parse(JSON.parse(data))
    if (value !== undefined) return { found: true, value }
  } catch {
    // Unparseable JSON, or a parse function that throws: both are a miss.
  }
  options.onCacheError?.(new Error(`Cached value under ${dataKey} is invalid; reloading it`))
  return { found: false, generation }
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
      await cache.withTimeout(
        cache.client.eval(SET_IF_GENERATION_UNCHANGED, {
          keys: [dataKey, generationKey(dataKey)],
          arguments: [generation, JSON.stringify(value), String(options.ttlSeconds)],
        }),
      )
    } catch (error) {
      options.onCacheError?.(asError(error))
    }
  }
  return value
}

/**
 * Joins the load in flight for `dataKey` if it started at the same generation, or starts one. A caller that saw
 * a newer generation (an invalidation happened since) gets a load of its own.
 */
function joinLoad<T>(
  loads: Map<string, LoadInFlight>,
  dataKey: string,
  generation: string | undefined,
  load: () => Promise<T>,
): Promise<T> {
  const current = loads.get(dataKey)
  if (current && current.generation === generation) return current.promise as Promise<T>

  const promise = load()
  const flight: LoadInFlight = { generation, promise }
  loads.set(dataKey, flight)
  const land = () => {
    if (loads.get(dataKey) === flight) loads.delete(dataKey)
  }
  promise.then(land, land)
  return promise
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

  const value = await joinLoad(cache.loadsInFlight, dataKey, cached.generation, () =>
    loadAndStore(cache, dataKey, cached.generation, options),
  )
  return { value, hit: false }
}

/**
 * Deletes the cached value and advances its generation, atomically: a fill whose load started before this call
 * will not store its value. Rejects when Redis fails.
 */
export async function invalidate(cache: Cache, key: string): Promise<void> {
  const dataKey = cache.key(key)
  cache.loadsInFlight.delete(dataKey)
  await cache.withTimeout(
    cache.client.eval(DELETE_AND_ADVANCE_GENERATION, { keys: [dataKey, generationKey(dataKey)] }),
  )
}
