import type { Cache } from './client.js'

/**
 * Every key cached through cache-aside has a generation counter next to it. An invalidation bumps
 * it, and a fill stores its value only if the generation is still the one it saw before loading,
 * so a value loaded before an invalidation can never be stored after it.
 */
export function generationKey(dataKey: string): string {
  return `${dataKey}:geracao`
}

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

export interface StoredEntry {
  /** The raw cached string, null when absent. */
  data: string | null
  generation: string
}

/** Reads the cached value and its generation in one round trip. */
export async function readEntry(cache: Cache, dataKey: string): Promise<StoredEntry> {
  const [data = null, generation = null] = await cache.withTimeout(
    cache.client.mGet([dataKey, generationKey(dataKey)]),
  )
  return { data, generation: generation ?? NO_GENERATION }
}

/** Deletes the value and advances the generation, atomically. */
export async function deleteAndAdvanceGeneration(cache: Cache, dataKey: string): Promise<void> {
  await cache.withTimeout(
    cache.client.eval(DELETE_AND_ADVANCE_GENERATION, { keys: [dataKey, generationKey(dataKey)] }),
  )
}

/** SET dataKey data EX ttl, only if the generation is still `expectedGeneration`; true when stored. */
export async function storeIfGenerationUnchanged(
  cache: Cache,
  dataKey: string,
  expectedGeneration: string,
  data: string,
  ttlSeconds: number,
): Promise<boolean> {
  const stored = await cache.withTimeout(
    cache.client.eval(SET_IF_GENERATION_UNCHANGED, {
      keys: [dataKey, generationKey(dataKey)],
      arguments: [expectedGeneration, data, String(ttlSeconds)],
    }),
  )
  return stored === 1
}
