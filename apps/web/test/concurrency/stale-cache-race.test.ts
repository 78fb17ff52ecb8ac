import { withTimeout } from '@repo/async/deadline'
import { PostListSchema, PostSchema } from '@repo/contracts/posts'
import { eventually } from '@repo/testing/eventually'
import { type HoldingProxy, startHoldingProxy } from '@repo/testing/holding-proxy'
import { TEST_REDIS_URL } from '@repo/testing/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { App } from '../../src/app.js'
import { postJson } from '../support/http.js'
import { createTestEnv, type TestEnv } from '../support/in-process.js'

/**
 * Two app instances on one database and one Redis, as two processes would be. Instance A reaches Redis through
 * a proxy that holds A's cache fill (an EVAL) on the network, so the race plays out in a fixed order:
 * A loads the old page, B creates a post and invalidates, then A's fill arrives.
 */
describe('a cache fill that loaded the posts before another instance created one', () => {
  let a: TestEnv
  let b: TestEnv
  let proxy: HoldingProxy
  beforeAll(async () => {
    b = await createTestEnv()
    const redis = new URL(TEST_REDIS_URL)
    proxy = await startHoldingProxy(
      { host: redis.hostname, port: Number(redis.port || 6379) },
      'EVAL',
    )
    a = await createTestEnv({
      databaseUrl: b.config.DATABASE_URL,
      redisUrl: `redis://127.0.0.1:${proxy.port}`,
      keyPrefix: b.config.REDIS_KEY_PREFIX,
      // Long enough that the held fill is refused by the generation check, never by a timeout.
      env: { REDIS_COMMAND_TIMEOUT_MS: '10000' },
    })
    await eventually(() =>
      expect(a.cache.isReady(), 'A reaches Redis through the proxy').toBe(true),
    )
  })
  afterAll(async () => {
    await a?.close()
    await proxy?.close()
    await b?.close()
  })

  const readCache = async (app: App) =>
    PostListSchema.parse(await (await app.request('/api/posts/cache')).json())

  it('does not store its stale page: the next read comes from the database with the new post', async () => {
    const staleRead = readCache(a.app)
    await withTimeout(proxy.holding, 5000)
    const created = PostSchema.parse(
      await (
        await b.app.request('/api/posts', postJson({ titulo: 'criado no meio', conteudo: 'c' }))
      ).json(),
    )
    proxy.release()

    const stale = await staleRead
    expect(stale.posts.map((post) => post.id)).not.toContain(created.id)
    for (const app of [a.app, b.app]) {
      const next = await readCache(app)
      expect(next.posts[0]).toEqual(created)
      expect(next.total).toBe(stale.total + 1)
    }
  })
})
