/**
 * What cache-aside and the counter need from a store, and no more. Two stores implement it: Redis
 * (`@repo/cache/client`) and an in-process one (`@repo/cache/memory`), held to one contract suite.
 * Keys are full keys (already prefixed by `Cache.key`).
 */
export interface CacheStore {
  /** Where the data lives, for logs: `host:port` of Redis, or `in-process`; never a password. */
  readonly location: string
  isReady(): boolean
  /** Rejects when the store is down or does not answer in time. */
  ping(): Promise<void>
  /** The value under `dataKey` (null when absent or expired) and its generation, read together. */
  readEntry(dataKey: string): Promise<StoredEntry>
  /** Stores `data` for `ttlSeconds`, only if the generation is still `expectedGeneration`; true when stored. */
  storeIfGenerationUnchanged(
    dataKey: string,
    expectedGeneration: string,
    data: string,
    ttlSeconds: number,
  ): Promise<boolean>
  /** Deletes the value and advances its generation, as one step. */
  deleteAndAdvanceGeneration(dataKey: string): Promise<void>
  /** Adds one to the integer under `key` (absent counts as 0) and returns the new value, atomically. */
  increment(key: string): Promise<number>
  /** The string under `key`, null when absent. */
  read(key: string): Promise<string | null>
  /** Graceful close; safe to call twice; later commands reject. */
  close(): Promise<void>
}

export interface StoredEntry {
  data: string | null
  /** '' for a key that was never invalidated. */
  generation: string
}

/** A cache-aside load under way in this process, and the generation its key had when it started. */
export interface LoadInFlight {
  generation: string | undefined
  promise: Promise<unknown>
}

export interface Cache extends CacheStore {
  /** keyPrefix + name */
  key(name: string): string
  /** Cache-aside loads in flight, one per key, so that concurrent misses in this process share one load. */
  readonly loadsInFlight: Map<string, LoadInFlight>
}

/** A store seen through a key prefix, with this process's cache-aside loads beside it. */
export function prefixed<S extends CacheStore>(store: S, keyPrefix = ''): S & Cache {
  return Object.assign(store, {
    key: (name: string) => `${keyPrefix}${name}`,
    loadsInFlight: new Map<string, LoadInFlight>(),
  })
}
