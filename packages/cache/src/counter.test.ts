import { eventually } from '@repo/testing/eventually'
import { freePort } from '@repo/testing/ports'
import { createTestKeyspace } from '@repo/testing/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Cache } from './cache.js'
import { createCache, type RedisCache } from './client.js'
import { incrementCounter, readCounter } from './counter.js'
import { COUNTER_KEY } from './keys.js'
import { createMemoryCache } from './memory.js'

const keyspace = createTestKeyspace()
const opened: Cache[] = []
const openRedis = (url = keyspace.url): RedisCache => {
  const cache = createCache(url, { keyPrefix: keyspace.prefix, onError: () => {} })
  opened.push(cache)
  return cache
}

afterAll(async () => {
  await Promise.all(opened.map((cache) => cache.close()))
  await keyspace.clear()
})

/** The counter's contract, which both stores must keep. */
describe.each([
  ['Redis', () => openRedis()],
  ['the in-process store', () => createMemoryCache({ keyPrefix: keyspace.prefix })],
] as const)('counter on %s', (_, openStore) => {
  let cache: Cache
  beforeAll(async () => {
    cache = openStore()
    await eventually(() => cache.ping())
  })

  it('200 concurrent increments get 200 distinct, consecutive values', async () => {
    const values = await Promise.all(
      Array.from({ length: 200 }, () => incrementCounter(cache, 'concurrent')),
    )
    const sorted = [...values].sort((a, b) => a - b)
    expect(sorted).toEqual(Array.from({ length: 200 }, (_, index) => index + 1))
  })

  it('readCounter is 0 for a counter never incremented', async () => {
    expect(await readCounter(cache, 'never-incremented')).toBe(0)
  })

  it('readCounter returns the current value without incrementing it', async () => {
    await incrementCounter(cache, 'read-only')
    await incrementCounter(cache, 'read-only')
    expect(await readCounter(cache, 'read-only')).toBe(2)
    expect(await readCounter(cache, 'read-only')).toBe(2)
    expect(await incrementCounter(cache, 'read-only')).toBe(3)
  })

  it('without a key, both use contador_requisicoes under the cache prefix', async () => {
    expect(await incrementCounter(cache)).toBe(1)
    expect(await readCounter(cache)).toBe(1)
    expect(await cache.read(`${keyspace.prefix}${COUNTER_KEY}`)).toBe('1')
  })

  it('incrementing and reading reject when the key holds something other than an integer', async () => {
    await cache.storeIfGenerationUnchanged(cache.key('garbage'), '', 'abc', 60)
    await expect(readCounter(cache, 'garbage')).rejects.toThrow(/not an integer/)
    await expect(incrementCounter(cache, 'garbage')).rejects.toThrow(/not an integer/)
  })

  it('after close, incrementing and reading both reject', async () => {
    const closing = openStore()
    await eventually(() => closing.ping())
    await closing.close()
    await expect(incrementCounter(closing)).rejects.toThrow()
    await expect(readCounter(closing)).rejects.toThrow()
  })
})

describe('counter on Redis', () => {
  it('with Redis down, incrementing and reading both reject', async () => {
    const down = openRedis(`redis://127.0.0.1:${await freePort()}`)
    await expect(incrementCounter(down)).rejects.toThrow()
    await expect(readCounter(down)).rejects.toThrow()
  })
})
