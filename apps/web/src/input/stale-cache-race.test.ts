import { setTimeout as sleep } from 'node:timers/promises'
import { withTimeout } from '@repo/async/deadline'
import { createCache, type RedisCache } from '@repo/cache/client'
import { PostListSchema, PostSchema } from '@repo/contracts/posts'
import { createDb, type Db } from '@repo/db/client'
import { TEST_REDIS_URL } from '@repo/testing/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../app.js'
import { createLogger } from '../logger.js'
import { createTestEnv, postJson, type TestEnv } from '../test-support.js'
import { type HoldingProxy, startHoldingProxy } from './holding-proxy.js'

/**
 * Two app instances on one database and one Redis, as two processes would be. Instance A reaches Redis through
 * a proxy that holds A's cache fill (an EVAL) on the network, so the race plays out in a fixed order:
 * A loads the old page, B creates a post and invalidates, then A's fill arrives.
 */
describe('a cache fill that loaded the posts before another instance created one', () => {
  let b: TestEnv
  let proxy: HoldingProxy
  let dbA: Db
  let cacheA: RedisCache
  let appA: ReturnType<typeof createApp>
  beforeAll(async () => {
    b = await createTestEnv()
    const redis = new URL(TEST_REDIS_URL)
    proxy = await startHoldingProxy(
      { host: redis.hostname, port: Number(redis.port || 6379) },
      'EVAL',
    )
    dbA = createDb(b.config.DATABASE_URL)
    // Long enough that the held fill is refused by the generation check, never by a timeout.
    cacheA = createCache(`redis://127.0.0.1:${proxy.port}`, {
      keyPrefix: b.config.REDIS_KEY_PREFIX,
      commandTimeoutMs: 10_000,
    })
    for (let waited = 0; !cacheA.isReady() && waited < 5000; waited += 10) await sleep(10)
    appA = createApp({ db: dbA, cache: cacheA, config: b.config, logger: createLogger('silent') })
  })
  afterAll(async () => {
    await Promise.allSettled([dbA?.end({ timeout: 1 }), cacheA?.close()])
    await proxy?.close()
    await b?.close()
  })

  const readCache = async (app: ReturnType<typeof createApp>) =>
    PostListSchema.parse(await (await app.request('/api/posts/cache')).json())

  it('does not store its stale page: the next read comes from the database with the new post', async () => {
    const staleRead = readCache(appA)
    await withTimeout(proxy.holding, 5000)
    const created = PostSchema.parse(
      await (
        await b.app.request('/api/posts', postJson({ titulo: 'criado no meio', conteudo: 'c' }))
      ).json(),
    )
    proxy.release()

    const stale = await staleRead
    expect(stale.posts.map((post) => post.id)).not.toContain(created.id)
    for (const app of [appA, b.app]) {
      const next = await readCache(app)
      expect(next.posts[0]).toEqual(created)
      expect(next.total).toBe(stale.total + 1)
    }
  })
})
