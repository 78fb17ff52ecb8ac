import { eventually } from '@repo/testing/eventually'
import { freePort } from '@repo/testing/ports'
import { createTestKeyspace } from '@repo/testing/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Cache, createCache } from './client.js'
import { incrementCounter, readCounter } from './counter.js'
import { COUNTER_KEY } from './keys.js'

const keyspace = createTestKeyspace()
let cache: Cache
let down: Cache

beforeAll(async () => {
  cache = createCache(keyspace.url, { keyPrefix: keyspace.prefix, onError: () => {} })
  down = createCache(`redis://127.0.0.1:${await freePort()}`, { onError: () => {} })
  await eventually(() => cache.ping())
})

afterAll(async () => {
  await Promise.all([cache.close(), down.close()])
  await keyspace.clear()
})

describe('counter', () => {
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
    expect(await cache.client.get(`${keyspace.prefix}${COUNTER_KEY}`)).toBe('1')
  })

  it('readCounter rejects when the key holds something other than an integer', async () => {
    await cache.client.set(cache.key('garbage'), 'abc')
    await expect(readCounter(cache, 'garbage')).rejects.toThrow(/not an integer/)
  })

  it('with Redis down, incrementing and reading both reject', async () => {
    await expect(incrementCounter(down)).rejects.toThrow()
    await expect(readCounter(down)).rejects.toThrow()
  })
})
