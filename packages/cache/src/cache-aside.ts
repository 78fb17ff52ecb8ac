import { asError } from './as-error.js'
import type { Cache, LoadInFlight, StoredEntry } from './cache.js'

interface CacheAsideBase<T> {
  /** Logical key, e.g. POSTS_CACHE_KEY (prefixed by cache.key). */
  key: string
  ttlSeconds: number
  /** The source of truth (the database). */
  load: () => Promise<T>
  /** Told about cache failures that were worked around by calling `load` (for logging). */
  onCacheError?: (error: Error) => void
}

/** A value stored as its JSON. */
export interface JsonCacheAsideOptions<T> extends CacheAsideBase<T> {
  /** Validates JSON read from the store; undefined = treat as a miss. */
  parse: (cached: unknown) => T | undefined
}

/**
 * A value stored as text of its own making, e.g. bytes served as they are stored: checked when stored, so that
 * reading it back needs only a cheap check instead of a parse.
 */
export interface TextCacheAsideOptions<T> extends CacheAsideBase<T> {
  /** The text to store; undefined = do not store this value (it fails the check that stored text must pass). */
  encode: (value: T) => string | undefined
  /** The value of a stored text; undefined = not one of ours: treat as a miss. */
  decode: (stored: string) => T | undefined
}

export type CacheAsideOptions<T> = JsonCacheAsideOptions<T> | TextCacheAsideOptions<T>

const decode = <T>(options: CacheAsideOptions<T>, stored: string): T | undefined =>
  'decode' in options ? options.decode(stored) : options.parse(JSON.parse(stored))

const encode = <T>(options: CacheAsideOptions<T>, value: T): string | undefined =>
  'encode' in options ? options.encode(value) : JSON.stringify(value)

// Every cached key has a generation next to it. An invalidation advances it, and a fill stores its value only
// if the generation is still the one it saw before loading, so a value loaded before an invalidation can never
// be stored after it, whichever instance invalidated.

type Lookup<T> = { found: true; value: T } | { found: false; generation: string | undefined }

/** What a read of the store found: the value, or a miss with the generation the read saw. */
function lookup<T>(dataKey: string, entry: StoredEntry, options: CacheAsideOptions<T>): Lookup<T> {
  const { data, generation } = entry
  if (data === null) return { found: false, generation }
  try {
    const value = decode(options, data)
    if (value !== undefined) return { found: true, value }
  } catch {
    // Unparseable JSON, or a parse or decode function that throws: both are a miss.
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
  // Without a generation the store just failed us; storing would only wait on it again.
  if (generation === undefined) return value
  const text = encode(options, value)
  if (text === undefined) return value
  try {
    await cache.storeIfGenerationUnchanged(dataKey, generation, text, options.ttlSeconds)
  } catch (error) {
    options.onCacheError?.(asError(error))
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
export function cacheAside<T>(
  cache: Cache,
  options: CacheAsideOptions<T>,
): Promise<{ value: T; hit: boolean }> {
  const dataKey = cache.key(options.key)
  // Callbacks, not an async function: a hit then holds one step while it waits for the store, not two.
  return readEntry(cache, dataKey).then(
    (entry) => {
      const cached = lookup(dataKey, entry, options)
      return cached.found
        ? { value: cached.value, hit: true }
        : miss(cache, dataKey, cached.generation, options)
    },
    (error: unknown) => {
      // Without a generation: a store that just failed is not waited on again to store the value.
      options.onCacheError?.(asError(error))
      return miss(cache, dataKey, undefined, options)
    },
  )
}

/** The load a miss joins or starts, stored if `generation` still holds when it lands. */
function miss<T>(
  cache: Cache,
  dataKey: string,
  generation: string | undefined,
  options: CacheAsideOptions<T>,
): Promise<{ value: T; hit: boolean }> {
  return joinLoad(cache.loadsInFlight, dataKey, generation, () =>
    loadAndStore(cache, dataKey, generation, options),
  ).then((value) => ({ value, hit: false }))
}

/** The store's read as a promise, also when the store throws instead of rejecting. */
function readEntry(cache: Cache, dataKey: string): Promise<StoredEntry> {
  try {
    return cache.readEntry(dataKey)
  } catch (error) {
    return Promise.reject(error)
  }
}

/**
 * Deletes the cached value and advances its generation, atomically: a fill whose load started before this call
 * will not store its value. Rejects when the store fails.
 */
export async function invalidate(cache: Cache, key: string): Promise<void> {
  const dataKey = cache.key(key)
  cache.loadsInFlight.delete(dataKey)
  await cache.deleteAndAdvanceGeneration(dataKey)
}
