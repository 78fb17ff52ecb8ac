import { createCache, type RedisCache } from '@repo/cache/client'
import { POSTS_CACHE_KEY } from '@repo/cache/keys'
import { eventually } from '@repo/testing/eventually'
import { type PrivatePostgres, startPrivatePostgres } from '@repo/testing/private-postgres'
import { TEST_REDIS_URL } from '@repo/testing/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Answer, postJson, send } from '../support/http.js'
import { startTestServer, type TestServer } from '../support/real-socket.js'

const STATUS_BOUND_MS = 2_000
const RECOVERY_BOUND_MS = 10_000
const BURST = 50

let postgres: PrivatePostgres
let server: TestServer
let cache: RedisCache
const createdIds: number[] = []

async function createPosts(count: number, titulo: string): Promise<void> {
  for (let index = 0; index < count; index++) {
    const { status, body } = await send(
      `${server.url}/api/posts`,
      postJson({ titulo: `${titulo} ${index}`, conteudo: 'guardado antes da falha' }),
    )
    expect(status).toBe(201)
    createdIds.push((body as { id: number }).id)
  }
}

/** BURST concurrent GETs, half on the list and half on the posts created by this file. */
function burst(): Promise<Answer[]> {
  return Promise.all(
    Array.from({ length: BURST }, (_, index) =>
      send(
        index % 2 === 0
          ? `${server.url}/api/posts?limit=5`
          : `${server.url}/api/posts/${createdIds[index % createdIds.length]}`,
      ),
    ),
  )
}

async function expectEveryPostCreatedIsThere(): Promise<void> {
  const answers = await Promise.all(createdIds.map((id) => send(`${server.url}/api/posts/${id}`)))
  expect(answers.map(({ status }) => status)).toEqual(createdIds.map(() => 200))
  expect(answers.map(({ body }) => (body as { id: number }).id)).toEqual(createdIds)
}

beforeAll(async () => {
  postgres = await startPrivatePostgres()
  server = await startTestServer({ databaseUrl: postgres.url })
  cache = createCache(TEST_REDIS_URL, { keyPrefix: server.config.REDIS_KEY_PREFIX })
  await eventually(async () => expect((await send(`${server.url}/status`)).status).toBe(200))
})

afterAll(async () => {
  await cache?.close()
  await server?.stop()
  await postgres?.cleanup()
})

describe('while PostgreSQL is stopped', () => {
  beforeAll(async () => {
    await createPosts(3, 'Antes da parada')
    // A copy of the cached page, and a pool full of connections that the stop will end.
    expect((await send(`${server.url}/api/posts/cache`)).status).toBe(200)
    await burst()
    await postgres.stop()
  })

  it('/status answers 503 with the database "desconectado" within 2 s, and /health stays 200', async () => {
    const [status, health] = await Promise.all([
      send(`${server.url}/status`),
      send(`${server.url}/health`),
    ])

    expect(status).toMatchObject({
      status: 503,
      body: { banco_dados: 'desconectado', cache: 'conectado', status: 'degradado' },
    })
    expect(status.ms).toBeLessThan(STATUS_BOUND_MS)
    expect(health).toMatchObject({ status: 200, body: { status: 'healthy' } })
  })

  it('every database route answers 503 JSON at once, neither 500 nor a hang', async () => {
    const answers = await Promise.all([
      send(`${server.url}/api/posts`),
      send(`${server.url}/api/posts/${createdIds[0]}`),
      send(`${server.url}/api/posts`, postJson({ titulo: 'Durante a parada', conteudo: 'x' })),
      send(`${server.url}/api/stats`),
    ])

    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, body: { erro: 'Banco de dados indisponível' } })
      expect(answer.ms).toBeLessThan(STATUS_BOUND_MS)
    }
  })

  it('the cached page is still served from Redis, and without a copy the cache route answers 503', async () => {
    const cached = await send(`${server.url}/api/posts/cache`)
    await cache.client.del(cache.key(POSTS_CACHE_KEY))
    const uncached = await send(`${server.url}/api/posts/cache`)

    expect(cached).toMatchObject({ status: 200, body: { fonte: 'cache' } })
    expect(uncached).toMatchObject({ status: 503, body: { erro: 'Banco de dados indisponível' } })
  })

  it('the counter, which needs only Redis, still answers 200', async () => {
    expect(await send(`${server.url}/api/contador`)).toMatchObject({ status: 200 })
  })
})

describe('once PostgreSQL is started again', () => {
  it('a burst of 50 concurrent GETs right after the start all answer 200, and /status is 200 within 10 s', async () => {
    await postgres.start()

    const answers = await burst()

    expect(answers.map(({ status }) => status)).toEqual(answers.map(() => 200))
    await eventually(async () => expect((await send(`${server.url}/status`)).status).toBe(200), {
      timeoutMs: RECOVERY_BOUND_MS,
    })
  })

  it('every post created before the stop is still there', async () => {
    await expectEveryPostCreatedIsThere()
  })
})

describe('after a crash (the server and its backends killed) and a start', () => {
  it('a burst of 50 concurrent GETs right after the start all answer 200, and every post committed before the crash is there', async () => {
    await createPosts(3, 'Antes da queda')
    await burst()
    await postgres.kill()
    await postgres.start()

    const answers = await burst()

    expect(answers.map(({ status }) => status)).toEqual(answers.map(() => 200))
    await expectEveryPostCreatedIsThere()
  })
})
