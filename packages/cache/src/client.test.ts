import { eventually, timed } from '@repo/testing/eventually'
import { startHangingServer } from '@repo/testing/hanging-server'
import { freePort } from '@repo/testing/ports'
import { type PrivateRedis, startPrivateRedis } from '@repo/testing/private-redis'
import { createTestKeyspace, TEST_REDIS_URL } from '@repo/testing/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CacheOptions, CommandTimeoutError, createCache, type RedisCache } from './client.js'

const keyspace = createTestKeyspace()
const caches: RedisCache[] = []
let privateRedis: PrivateRedis

function open(url: string, options: CacheOptions = {}): RedisCache {
  const cache = createCache(url, { keyPrefix: keyspace.prefix, onError: () => {}, ...options })
  caches.push(cache)
  return cache
}

beforeAll(async () => {
  privateRedis = await startPrivateRedis()
})

afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.close()))
  await privateRedis?.cleanup()
  await keyspace.clear()
})

describe('createCache', () => {
  it('against a running Redis, ping resolves once connected and the cache is ready', async () => {
    const cache = open(keyspace.url)
    await eventually(() => cache.ping())
    expect(cache.isReady()).toBe(true)
  })

  it('key() puts keyPrefix in front of the name, and no prefix by default', () => {
    expect(open(keyspace.url, { keyPrefix: 'app:' }).key('posts_cache')).toBe('app:posts_cache')
    expect(open(keyspace.url, { keyPrefix: undefined }).key('posts_cache')).toBe('posts_cache')
  })

  it('closing twice resolves both times, and a command after close rejects', async () => {
    const cache = open(keyspace.url)
    await eventually(() => cache.ping())
    await cache.close()
    await cache.close()
    expect(cache.isReady()).toBe(false)
    await expect(cache.ping()).rejects.toThrow()
  })

  it('with nothing listening, it returns at once, fails commands fast, reports errors to onError and still closes', async () => {
    const errors: Error[] = []
    const cache = open(`redis://127.0.0.1:${await freePort()}`, {
      onError: (error) => errors.push(error),
    })
    expect(cache.isReady()).toBe(false)

    const ping = await timed(() => cache.ping())
    expect(ping.result.status).toBe('rejected')
    expect(ping.ms).toBeLessThan(600)

    await eventually(() => expect(errors.length).toBeGreaterThanOrEqual(2))
    expect(errors[0]?.message).toMatch(/ECONNREFUSED/)

    const close = await timed(() => cache.close())
    expect(close.result.status).toBe('fulfilled')
    expect(close.ms).toBeLessThan(1000)
  })

  it('when its Redis is killed and started again on the same port, the same cache works again by itself', async () => {
    const cache = open(privateRedis.url)
    const client = cache.client
    await eventually(() => cache.ping())

    await privateRedis.kill()
    await eventually(() => expect(cache.isReady()).toBe(false))
    await expect(cache.ping()).rejects.toThrow()

    await privateRedis.start()
    await eventually(() => cache.ping(), { timeoutMs: 4_000 })
    await cache.client.set(cache.key('after-restart'), 'ok')
    expect(await cache.client.get(cache.key('after-restart'))).toBe('ok')
    expect(cache.client).toBe(client)
  })

  it('a server that accepts connections but never answers makes ping reject within commandTimeoutMs', async () => {
    const server = await startHangingServer()
    try {
      const cache = open(`redis://127.0.0.1:${server.port}`, { commandTimeoutMs: 300 })
      const ping = await timed(() => cache.ping())
      expect(ping.result.status).toBe('rejected')
      expect(ping.ms).toBeLessThan(1000)
      const close = await timed(() => cache.close())
      expect(close.ms).toBeLessThan(1000)
    } finally {
      await server.close()
    }
  })

  it('a Redis that freezes after connecting makes ping time out, and answers again once it resumes', async () => {
    const cache = open(privateRedis.url, { commandTimeoutMs: 300 })
    await eventually(() => cache.ping())

    privateRedis.freeze()
    try {
      const ping = await timed(() => cache.ping())
      expect(ping.result).toMatchObject({
        status: 'rejected',
        reason: expect.any(CommandTimeoutError),
      })
      expect(ping.ms).toBeGreaterThanOrEqual(250)
      expect(ping.ms).toBeLessThan(1000)
    } finally {
      privateRedis.thaw()
    }
    await eventually(() => cache.ping())
  })

  it('closing while Redis is frozen with a command pending finishes within about commandTimeoutMs', async () => {
    const cache = open(privateRedis.url, { commandTimeoutMs: 300 })
    await eventually(() => cache.ping())

    privateRedis.freeze()
    try {
      const pending = cache.client.get(cache.key('never-answered'))
      const close = await timed(() => cache.close())
      expect(close.result.status).toBe('fulfilled')
      expect(close.ms).toBeLessThan(1000)
      await expect(pending).rejects.toThrow()
    } finally {
      privateRedis.thaw()
    }
  })

  it('a connection whose handshake is never answered is dropped, and a new one reaches Redis', async () => {
    const redis = new URL(TEST_REDIS_URL)
    const server = await startHangingServer({
      forwardAfter: 1,
      forwardTo: { host: redis.hostname, port: Number(redis.port || 6379) },
    })
    try {
      const cache = open(`redis://127.0.0.1:${server.port}`)
      await expect(cache.ping()).rejects.toThrow()
      await eventually(() => cache.ping(), { timeoutMs: 9_000, intervalMs: 200 })
    } finally {
      await server.close()
    }
  })
})
