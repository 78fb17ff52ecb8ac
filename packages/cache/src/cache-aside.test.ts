import { deferred, eventually, timed } from '@repo/testing/eventually'
import { startHangingServer } from '@repo/testing/hanging-server'
import { freePort } from '@repo/testing/ports'
import { type PrivateRedis, startPrivateRedis } from '@repo/testing/private-redis'
import { createTestKeyspace } from '@repo/testing/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Cache } from './cache.js'
import { type CacheAsideOptions, cacheAside, invalidate } from './cache-aside.js'
import { type CacheOptions, CommandTimeoutError, createCache, type RedisCache } from './client.js'
import { createMemoryCache } from './memory.js'

interface Page {
  posts: string[]
}

const parsePage = (cached: unknown): Page | undefined => {
  const posts = (cached as Partial<Page> | null)?.posts
  return Array.isArray(posts) && posts.every((post) => typeof post === 'string')
    ? { posts }
    : undefined
}

const keyspace = createTestKeyspace()
const caches: Cache[] = []
let redis: RedisCache
/** A second cache on the same Redis and prefix, as another instance of the app would have. */
let otherInstance: RedisCache

function open(url: string, options: CacheOptions = {}): RedisCache {
  const opened = createCache(url, { keyPrefix: keyspace.prefix, onError: () => {}, ...options })
  caches.push(opened)
  return opened
}

let keys = 0
/** A logical key no other test uses. */
const freshKey = () => `posts_cache_${++keys}`

/** A loader over a mutable "database" that counts its calls. */
function source(posts: string[]) {
  const db = { posts, calls: 0 }
  const load = async (): Promise<Page> => {
    db.calls++
    return { posts: [...db.posts] }
  }
  return { db, load }
}

function readPage(
  target: Cache,
  key: string,
  load: () => Promise<Page>,
  extra: Partial<CacheAsideOptions<Page>> = {},
) {
  return cacheAside(target, { key, ttlSeconds: 60, load, parse: parsePage, ...extra })
}

beforeAll(async () => {
  redis = open(keyspace.url)
  otherInstance = open(keyspace.url)
  await eventually(() => Promise.all([redis.ping(), otherInstance.ping()]))
})

afterAll(async () => {
  await Promise.all(caches.map((opened) => opened.close()))
  await keyspace.clear()
})

const stores = [
  ['Redis', () => redis],
  ['the in-process store', () => createMemoryCache({ keyPrefix: keyspace.prefix })],
] as const

/** Cache-aside's contract, which both stores must keep. */
describe.each(stores)('cacheAside on %s', (_, openStore) => {
  let cache: Cache
  beforeAll(() => {
    cache = openStore()
    caches.push(cache)
  })

  it('a first read misses and loads, the second hits without calling the loader', async () => {
    const key = freshKey()
    const { db, load } = source(['a', 'b'])

    expect(await readPage(cache, key, load)).toEqual({ value: { posts: ['a', 'b'] }, hit: false })
    expect(await readPage(cache, key, load)).toEqual({ value: { posts: ['a', 'b'] }, hit: true })
    expect(db.calls).toBe(1)
    expect(await cache.read(cache.key(key))).toBe('{"posts":["a","b"]}')
  })

  it('once a 1 s TTL has passed, the next read misses and loads again', async () => {
    const key = freshKey()
    const { db, load } = source(['a'])
    await readPage(cache, key, load, { ttlSeconds: 1 })
    expect((await readPage(cache, key, load, { ttlSeconds: 1 })).hit).toBe(true)

    await new Promise((resolve) => setTimeout(resolve, 1_100))
    expect((await readPage(cache, key, load, { ttlSeconds: 1 })).hit).toBe(false)
    expect(db.calls).toBe(2)
  })

  it('after invalidate, the next read misses and sees the new data', async () => {
    const key = freshKey()
    const { db, load } = source(['a'])
    await readPage(cache, key, load)

    db.posts.unshift('new')
    await invalidate(cache, key)
    expect(await readPage(cache, key, load)).toEqual({ value: { posts: ['new', 'a'] }, hit: false })
    expect(await readPage(cache, key, load)).toEqual({ value: { posts: ['new', 'a'] }, hit: true })
  })

  it.each([
    ['not JSON', '{"posts": ['],
    ['JSON of the wrong shape', '{"posts": 42}'],
  ])('a cached value that is %s counts as a miss and is replaced', async (_, corrupt) => {
    const key = freshKey()
    await cache.storeIfGenerationUnchanged(cache.key(key), '', corrupt, 60)
    const cacheErrors: Error[] = []
    const { db, load } = source(['a'])

    const read = await readPage(cache, key, load, {
      onCacheError: (error) => cacheErrors.push(error),
    })
    expect(read).toEqual({ value: { posts: ['a'] }, hit: false })
    expect(db.calls).toBe(1)
    expect(cacheErrors).toHaveLength(1)
    expect(await cache.read(cache.key(key))).toBe('{"posts":["a"]}')
    expect((await readPage(cache, key, load)).hit).toBe(true)
  })

  it('a value stored as text of its own is read back through decode, never parsed as JSON', async () => {
    const key = freshKey()
    let loads = 0
    const text = {
      key,
      ttlSeconds: 60,
      load: async () => `page ${++loads}`,
      encode: (value: string) => value,
      decode: (stored: string) => (stored.startsWith('page ') ? stored : undefined),
    }
    expect(await cacheAside(cache, text)).toEqual({ value: 'page 1', hit: false })
    expect(await cache.read(cache.key(key))).toBe('page 1')
    expect(await cacheAside(cache, text)).toEqual({ value: 'page 1', hit: true })

    await cache.storeIfGenerationUnchanged(cache.key(key), '', 'not ours', 60)
    expect(await cacheAside(cache, text)).toEqual({ value: 'page 2', hit: false })
    expect(await cache.read(cache.key(key))).toBe('page 2')
  })

  it('a value that encode refuses is answered but not stored', async () => {
    const key = freshKey()
    const refused = {
      key,
      ttlSeconds: 60,
      load: async () => 'unchecked',
      encode: () => undefined,
      decode: (stored: string) => stored,
    }
    expect(await cacheAside(cache, refused)).toEqual({ value: 'unchecked', hit: false })
    expect(await cache.read(cache.key(key))).toBeNull()
  })

  it('50 concurrent misses for one key call the loader once and all get its value', async () => {
    const key = freshKey()
    let calls = 0
    const load = async (): Promise<Page> => {
      calls++
      await new Promise((resolve) => setTimeout(resolve, 50))
      return { posts: ['a'] }
    }

    const reads = await Promise.all(Array.from({ length: 50 }, () => readPage(cache, key, load)))
    expect(calls).toBe(1)
    for (const read of reads) expect(read).toEqual({ value: { posts: ['a'] }, hit: false })
  })

  it('a loader error reaches every waiting caller and nothing is cached', async () => {
    const key = freshKey()
    let calls = 0
    const failing = async (): Promise<Page> => {
      calls++
      await new Promise((resolve) => setTimeout(resolve, 20))
      throw new Error('database down')
    }

    const reads = await Promise.allSettled([
      readPage(cache, key, failing),
      readPage(cache, key, failing),
    ])
    expect(reads.map((read) => read.status)).toEqual(['rejected', 'rejected'])
    expect(calls).toBe(1)
    expect(await cache.read(cache.key(key))).toBeNull()
    await expect(readPage(cache, key, failing)).rejects.toThrow('database down')
    expect(calls).toBe(2)
  })

  it('a fill whose load started before an invalidation does not store its stale value', async () => {
    const key = freshKey()
    const db = { posts: ['old'] }
    const loadStarted = deferred()
    const release = deferred()
    const slowLoad = async (): Promise<Page> => {
      const snapshot = { posts: [...db.posts] }
      loadStarted.resolve()
      await release.promise
      return snapshot
    }

    const slowRead = readPage(cache, key, slowLoad)
    await loadStarted.promise
    db.posts.unshift('created')
    await invalidate(cache, key)
    release.resolve()

    expect(await slowRead).toEqual({ value: { posts: ['old'] }, hit: false })
    expect(await cache.read(cache.key(key))).toBeNull()
    const load = async () => ({ posts: [...db.posts] })
    expect(await readPage(cache, key, load)).toEqual({
      value: { posts: ['created', 'old'] },
      hit: false,
    })
    expect((await readPage(cache, key, load)).hit).toBe(true)
  })

  it('a read after an invalidation does not join the load that started before it', () =>
    lateReadDoesNotJoinTheEarlyLoad(cache, cache))
})

describe('cacheAside on Redis shared by two app instances', () => {
  it('a filled value is stored with the requested TTL', async () => {
    const key = freshKey()
    await readPage(redis, key, source(['a']).load, { ttlSeconds: 60 })

    const pttl = await redis.client.pTTL(redis.key(key))
    expect(pttl).toBeGreaterThan(58_000)
    expect(pttl).toBeLessThanOrEqual(60_000)
  })

  it('a fill whose load started before an invalidation by another instance does not store its stale value', async () => {
    const key = freshKey()
    const loadStarted = deferred()
    const release = deferred()
    const slowRead = readPage(redis, key, async () => {
      loadStarted.resolve()
      await release.promise
      return { posts: ['old'] }
    })
    await loadStarted.promise
    await invalidate(otherInstance, key)
    release.resolve()

    expect(await slowRead).toEqual({ value: { posts: ['old'] }, hit: false })
    expect(await redis.client.get(redis.key(key))).toBeNull()
  })

  it('a read after an invalidation through another instance does not join the load that started before it', () =>
    lateReadDoesNotJoinTheEarlyLoad(redis, otherInstance))
})

async function lateReadDoesNotJoinTheEarlyLoad(cache: Cache, invalidator: Cache) {
  const key = freshKey()
  const db = { posts: ['old'] }
  let calls = 0
  const loadStarted = deferred()
  const release = deferred()
  const load = async (): Promise<Page> => {
    calls++
    const snapshot = { posts: [...db.posts] }
    if (calls === 1) {
      loadStarted.resolve()
      await release.promise
    }
    return snapshot
  }

  const earlyRead = readPage(cache, key, load)
  await loadStarted.promise
  db.posts.unshift('created')
  await invalidate(invalidator, key)

  const lateRead = readPage(cache, key, load)
  const joinedTheOldLoad = new Promise((resolve) => setTimeout(resolve, 2_000, 'joined'))
  expect(await Promise.race([lateRead, joinedTheOldLoad])).toEqual({
    value: { posts: ['created', 'old'] },
    hit: false,
  })
  release.resolve()
  expect(await earlyRead).toEqual({ value: { posts: ['old'] }, hit: false })
  expect(calls).toBe(2)
  expect(await readPage(cache, key, load)).toEqual({
    value: { posts: ['created', 'old'] },
    hit: true,
  })
}

describe('cacheAside and invalidate when Redis fails', () => {
  let privateRedis: PrivateRedis

  beforeAll(async () => {
    privateRedis = await startPrivateRedis()
  })

  afterAll(async () => {
    await privateRedis?.cleanup()
  })

  it('with Redis down, a read still returns the loader value quickly, and invalidate rejects', async () => {
    const down = open(`redis://127.0.0.1:${await freePort()}`)
    const { load } = source(['a'])
    const cacheErrors: Error[] = []

    const read = await timed(() =>
      readPage(down, 'posts_cache', load, { onCacheError: (error) => cacheErrors.push(error) }),
    )
    expect(read.result).toEqual({
      status: 'fulfilled',
      value: { value: { posts: ['a'] }, hit: false },
    })
    expect(read.ms).toBeLessThan(600)
    expect(cacheErrors).toHaveLength(1)
    await expect(invalidate(down, 'posts_cache')).rejects.toThrow()
  })

  it('with a server that accepts connections but never answers, ping rejects and reads still come from the loader', async () => {
    const server = await startHangingServer()
    try {
      const hanging = open(`redis://127.0.0.1:${server.port}`, { commandTimeoutMs: 300 })
      const ping = await timed(() => hanging.ping())
      expect(ping.result.status).toBe('rejected')
      expect(ping.ms).toBeLessThan(1000)

      const read = await timed(() => readPage(hanging, 'posts_cache', source(['a']).load))
      expect(read.result).toEqual({
        status: 'fulfilled',
        value: { value: { posts: ['a'] }, hit: false },
      })
      expect(read.ms).toBeLessThan(1000)
    } finally {
      await server.close()
    }
  })

  it('with a Redis that freezes after connecting, a read returns the loader value after about commandTimeoutMs, and invalidate times out', async () => {
    const frozen = open(privateRedis.url, { commandTimeoutMs: 300 })
    await eventually(() => frozen.ping())
    const key = freshKey()
    const { db, load } = source(['a'])
    await readPage(frozen, key, load)

    privateRedis.freeze()
    try {
      db.posts.unshift('created')
      const read = await timed(() => readPage(frozen, key, load))
      expect(read.result).toEqual({
        status: 'fulfilled',
        value: { value: { posts: ['created', 'a'] }, hit: false },
      })
      expect(read.ms).toBeLessThan(1000)
      await expect(invalidate(frozen, key)).rejects.toBeInstanceOf(CommandTimeoutError)
    } finally {
      privateRedis.thaw()
    }
  })
})
