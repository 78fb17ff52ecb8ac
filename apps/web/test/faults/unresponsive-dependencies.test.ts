import { eventually } from '@repo/testing/eventually'
import { type HangingServer, startHangingServer } from '@repo/testing/hanging-server'
import { type PrivatePostgres, startPrivatePostgres } from '@repo/testing/private-postgres'
import { type PrivateRedis, startPrivateRedis } from '@repo/testing/private-redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Answer, postJson, send, timedJson } from '../support/http.js'
import { createTestEnv, type TestEnv } from '../support/in-process.js'
import { startTestServer, type TestServer } from '../support/real-socket.js'

const STATUS_BOUND_MS = 2_000
const REQUEST_TIMEOUT_MS = 3_000
const REDIS_COMMAND_TIMEOUT_MS = 1_000
/** What a loaded CI machine may add to a bound before an answer counts as late. */
const MARGIN_MS = 1_000
const RECOVERY_BOUND_MS = 5_000

function expectDatabaseUnavailable(answer: Answer): void {
  expect(answer.status).toBe(503)
  expect((answer.body as { erro: string }).erro).toMatch(
    /^(Banco de dados indisponível|Tempo limite da requisição esgotado)$/,
  )
}

describe('with a PostgreSQL and a Redis that accept connections but never answer, from the start', () => {
  let database: HangingServer
  let redis: HangingServer
  let env: TestEnv

  beforeAll(async () => {
    ;[database, redis] = await Promise.all([startHangingServer(), startHangingServer()])
    // Default timeouts: what a deployment gets without tuning anything.
    env = await createTestEnv({
      databaseUrl: `postgres://postgres@127.0.0.1:${database.port}/postgres`,
      redisUrl: `redis://127.0.0.1:${redis.port}`,
    })
  })

  afterAll(async () => {
    await env?.close()
    await Promise.allSettled([database?.close(), redis?.close()])
  })

  const request = (path: string, init?: RequestInit): Promise<Answer> =>
    timedJson(path, () => env.app.request(path, init))

  it('every route answers (503 JSON or 200) within its bound: /status 2 s, the rest the database connect timeout', async () => {
    const connectBoundMs = 5_000
    const [health, status, counter, stats, ...databaseRoutes] = await Promise.all([
      request('/health'),
      request('/status'),
      request('/api/contador'),
      request('/api/stats'),
      request('/api/posts'),
      request('/api/posts/1'),
      request('/api/posts/cache'),
      request('/api/posts', postJson({ titulo: 'Sem resposta', conteudo: 'x' })),
    ])

    expect(health).toMatchObject({ status: 200 })
    expect(status).toMatchObject({
      status: 503,
      body: { banco_dados: 'desconectado', cache: 'desconectado' },
    })
    expect(status.ms).toBeLessThan(STATUS_BOUND_MS)
    for (const answer of [counter, stats]) {
      expect(answer).toMatchObject({ status: 503, body: { erro: 'Cache indisponível' } })
      expect(answer.ms).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + MARGIN_MS)
    }
    for (const answer of databaseRoutes) {
      expectDatabaseUnavailable(answer)
      expect(answer.ms).toBeLessThan(connectBoundMs + MARGIN_MS)
    }
  })
})

describe('with PostgreSQL and Redis that freeze (SIGSTOP) while the app holds connections to them', () => {
  let postgres: PrivatePostgres
  let redis: PrivateRedis
  let server: TestServer

  beforeAll(async () => {
    ;[postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()])
    server = await startTestServer({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      env: {
        REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        REDIS_COMMAND_TIMEOUT_MS: String(REDIS_COMMAND_TIMEOUT_MS),
      },
    })
    await eventually(async () => expect((await send(`${server.url}/status`)).status).toBe(200))
  })

  afterAll(async () => {
    await server?.stop()
    await Promise.allSettled([postgres?.cleanup(), redis?.cleanup()])
  })

  async function expectEverythingRecovers(): Promise<void> {
    await eventually(
      async () => {
        const answers = await Promise.all(
          ['/status', '/api/posts', '/api/posts/1', '/api/contador', '/api/stats'].map((path) =>
            send(`${server.url}${path}`),
          ),
        )
        expect(answers.map(({ status }) => status)).toEqual([200, 200, 200, 200, 200])
      },
      { timeoutMs: RECOVERY_BOUND_MS, intervalMs: 100 },
    )
  }

  it('PostgreSQL frozen: the database routes answer 503 within REQUEST_TIMEOUT_MS, the others at once; all recover on thaw', async () => {
    // Pooled connections that the freeze will leave open, and a copy of the page in the cache.
    await Promise.all(Array.from({ length: 10 }, () => send(`${server.url}/api/posts`)))
    await send(`${server.url}/api/posts/cache`)

    postgres.freeze()
    try {
      const [health, status, counter, cached, ...databaseRoutes] = await Promise.all([
        send(`${server.url}/health`),
        send(`${server.url}/status`),
        send(`${server.url}/api/contador`),
        send(`${server.url}/api/posts/cache`),
        send(`${server.url}/api/posts`),
        send(`${server.url}/api/posts/1`),
        send(`${server.url}/api/stats`),
        send(`${server.url}/api/posts`, postJson({ titulo: 'Congelado', conteudo: 'x' })),
      ])

      expect(health).toMatchObject({ status: 200 })
      expect(status).toMatchObject({
        status: 503,
        body: { banco_dados: 'desconectado', cache: 'conectado' },
      })
      expect(status.ms).toBeLessThan(STATUS_BOUND_MS)
      expect(counter).toMatchObject({ status: 200 })
      expect(cached).toMatchObject({ status: 200, body: { fonte: 'cache' } })
      for (const answer of databaseRoutes) {
        expectDatabaseUnavailable(answer)
        expect(answer.ms).toBeLessThan(REQUEST_TIMEOUT_MS + MARGIN_MS)
      }
    } finally {
      postgres.thaw()
    }
    await expectEverythingRecovers()
  })

  it('Redis frozen: the cache routes answer within REDIS_COMMAND_TIMEOUT_MS, the lists from the database; all recover on thaw', async () => {
    redis.freeze()
    try {
      const [status, list, cached, created, counter] = await Promise.all([
        send(`${server.url}/status`),
        send(`${server.url}/api/posts`),
        send(`${server.url}/api/posts/cache`),
        send(`${server.url}/api/posts`, postJson({ titulo: 'Redis congelado', conteudo: 'x' })),
        send(`${server.url}/api/contador`),
      ])

      expect(status).toMatchObject({
        status: 503,
        body: { banco_dados: 'conectado', cache: 'desconectado' },
      })
      expect(status.ms).toBeLessThan(STATUS_BOUND_MS)
      expect(list).toMatchObject({ status: 200, body: { fonte: 'banco_de_dados' } })
      expect(cached).toMatchObject({ status: 200, body: { fonte: 'banco_de_dados' } })
      expect(created).toMatchObject({ status: 201 })
      expect(counter).toMatchObject({ status: 503, body: { erro: 'Cache indisponível' } })
      for (const answer of [cached, created, counter]) {
        expect(answer.ms).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + MARGIN_MS)
      }
    } finally {
      redis.thaw()
    }
    await expectEverythingRecovers()
  })
})
