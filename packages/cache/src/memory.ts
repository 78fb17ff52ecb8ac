import { type Cache, prefixed } from './cache.js'
import { generationKey } from './keys.js'

interface Entry {
  value: string
  /** Date.now() after which the entry is gone; undefined = no TTL. */
  expiresAt: number | undefined
}

export interface MemoryCacheOptions {
  keyPrefix?: string
}

/** Raised by a command sent after close(), as a closed Redis client would. */
export class StoreClosedError extends Error {
  override name = 'StoreClosedError'

  constructor() {
    super('The in-process cache is closed')
  }
}

/**
 * The cache in this process's memory, for development without a Redis: the same semantics as the Redis store
 * (TTL expiry, atomic increment, the generation-guarded fill). Each command runs to completion before the next,
 * so every one of them is atomic, as a Redis command or script is. Nothing is shared between processes: with
 * several instances of the app, use Redis.
 */
export function createMemoryCache({ keyPrefix = '' }: MemoryCacheOptions = {}): Cache {
  const entries = new Map<string, Entry>()
  let closed = false

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key)
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key)
      return undefined
    }
    return entry
  }
  const get = (key: string) => live(key)?.value ?? null
  const set = (key: string, value: string, ttlSeconds?: number) =>
    entries.set(key, {
      value,
      expiresAt: ttlSeconds === undefined ? undefined : Date.now() + ttlSeconds * 1000,
    })
  const increment = (key: string) => {
    const current = get(key) ?? '0'
    const value = Number(current)
    if (!/^-?\d+$/.test(current) || !Number.isSafeInteger(value + 1)) {
      throw new Error(`The value under ${key} is not an integer or out of range`)
    }
    // INCR keeps the key's TTL; so does this.
    const entry = live(key)
    entries.set(key, { value: String(value + 1), expiresAt: entry?.expiresAt })
    return value + 1
  }

  /** Runs a command as an async one, so callers see the same promise-shaped API as Redis's. */
  const command = async <T>(run: () => T): Promise<T> => {
    if (closed) throw new StoreClosedError()
    return run()
  }

  return prefixed(
    {
      location: 'in-process',
      isReady: () => !closed,
      ping: () => command(() => undefined),
      readEntry: (dataKey) =>
        command(() => ({ data: get(dataKey), generation: get(generationKey(dataKey)) ?? '' })),
      storeIfGenerationUnchanged: (dataKey, expectedGeneration, data, ttlSeconds) =>
        command(() => {
          if ((get(generationKey(dataKey)) ?? '') !== expectedGeneration) return false
          set(dataKey, data, ttlSeconds)
          return true
        }),
      deleteAndAdvanceGeneration: (dataKey) =>
        command(() => {
          entries.delete(dataKey)
          increment(generationKey(dataKey))
        }),
      increment: (key) => command(() => increment(key)),
      read: (key) => command(() => get(key)),
      async close() {
        closed = true
        entries.clear()
      },
    },
    keyPrefix,
  )
}
