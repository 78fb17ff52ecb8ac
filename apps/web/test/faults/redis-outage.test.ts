import { eventually } from '@repo/testing/eventually'
import { type PrivateRedis, startPrivateRedis } from '@repo/testing/private-redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postJson, send } from '../support/http.js'
import { startTestServer, type TestServer } from '../support/real-socket.js'

/** The contract's bound for /status; every other answer must come within it too while Redis is down. */
const STATUS_BOUND_MS = 2_000
const RECOVERY_BOUND_MS = 5_000

let redis: PrivateRedis
let server: TestServer

beforeAll(async () => {
  redis = await startPrivateRedis()
  server = await startTestServer({ redisUrl: redis.url })
  await eventually(async () => expect((await send(`${server.url}/status`)).status).toBe(200))
  // Something cached before the outage, so that the cache route has a copy it can no longer reach.
  await send(`${server.url}/api/posts/cache`)
})

afterAll(async () => {
  await server?.stop()
  await redis?.cleanup()
})

describe('while Redis is stopped', () => {
  beforeAll(async () => {
    await redis.stop()
  })

  it('/status answers 503 with the cache "desconectado" within 2 s', async () => {
    const status = await send(`${server.url}/status`)

    expect(status.status).toBe(503)
    expect(status.body).toMatchObject({
      banco_dados: 'conectado',
      cache: 'desconectado',
      status: 'degradado',
    })
    expect(status.ms).toBeLessThan(STATUS_BOUND_MS)
  })

  it('the post lists still answer 200 from the database, and a new post is created', async () => {
    const [list, cached, created] = await Promise.all([
      send(`${server.url}/api/posts`),
      send(`${server.url}/api/posts/cache`),
      send(`${server.url}/api/posts`, postJson({ titulo: 'Sem cache', conteudo: 'Redis parado' })),
    ])

    expect(list).toMatchObject({ status: 200, body: { fonte: 'banco_de_dados' } })
    expect(cached).toMatchObject({ status: 200, body: { fonte: 'banco_de_dados' } })
    expect(created).toMatchObject({ status: 201, body: { titulo: 'Sem cache' } })
    for (const answer of [list, cached, created]) expect(answer.ms).toBeLessThan(STATUS_BOUND_MS)
  })

  it('the counter and the stats answer 503 JSON at once, and /health stays 200', async () => {
    const [counter, stats, health] = await Promise.all([
      send(`${server.url}/api/contador`),
      send(`${server.url}/api/stats`),
      send(`${server.url}/health`),
    ])

    expect(counter).toMatchObject({ status: 503, body: { erro: 'Cache indisponível' } })
    expect(stats).toMatchObject({ status: 503, body: { erro: 'Cache indisponível' } })
    expect(health).toMatchObject({ status: 200, body: { status: 'healthy' } })
    for (const answer of [counter, stats]) expect(answer.ms).toBeLessThan(STATUS_BOUND_MS)
  })
})

describe('once Redis is back', () => {
  it('every route answers 200 again within 5 s, with the same app, and the cache fills again', async () => {
    await redis.start()

    await eventually(
      async () => {
        const [status, counter, stats] = await Promise.all([
          send(`${server.url}/status`),
          send(`${server.url}/api/contador`),
          send(`${server.url}/api/stats`),
        ])
        expect(status).toMatchObject({ status: 200, body: { cache: 'conectado', status: 'ok' } })
        expect(counter).toMatchObject({ status: 200, body: { contador: expect.any(Number) } })
        expect(stats.status).toBe(200)
        await send(`${server.url}/api/posts/cache`)
        const cached = await send(`${server.url}/api/posts/cache`)
        expect(cached).toMatchObject({ status: 200, body: { fonte: 'cache' } })
      },
      { timeoutMs: RECOVERY_BOUND_MS, intervalMs: 100 },
    )
  })
})
