import { eventually } from '@repo/testing/eventually'
import { TEST_POSTGRES_URL } from '@repo/testing/postgres'
import { type PrivatePostgres, startPrivatePostgres } from '@repo/testing/private-postgres'
import { type PrivateRedis, startPrivateRedis } from '@repo/testing/private-redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { send } from '../support/http.js'
import type { LogLine } from '../support/logs.js'
import { startTestServer, type TestServer, type TestServerOptions } from '../support/real-socket.js'

/** The longest wait between two attempts (2 s, plus jitter) and a margin for a loaded machine. */
const SERVES_AFTER_DATABASE_MS = 4_000
const RECOVERY_BOUND_MS = 5_000

const servers: TestServer[] = []

async function start(options: TestServerOptions) {
  const server = await startTestServer(options)
  servers.push(server)
  return server
}

afterAll(async () => {
  await Promise.allSettled(servers.map((server) => server.stop()))
})

describe('when PostgreSQL is still down as the server starts', () => {
  let postgres: PrivatePostgres

  beforeAll(async () => {
    postgres = await startPrivatePostgres()
    await postgres.stop()
  })

  afterAll(async () => {
    await postgres?.cleanup()
  })

  it('the server waits without listening, logs why it retries, and serves soon after PostgreSQL starts', async () => {
    const logs: LogLine[] = []
    let listening = false
    const starting = start({ databaseUrl: postgres.url, logs }).then((server) => {
      listening = true
      return server
    })

    const retries = () =>
      logs.filter(({ message }) => message === 'database migration failed, retrying')
    await eventually(() => expect(retries().length).toBeGreaterThanOrEqual(2))
    for (const retry of retries()) {
      expect(retry).toMatchObject({
        level: 'warn',
        code: 'ECONNREFUSED',
        retryInMs: expect.any(Number),
      })
    }
    expect(listening).toBe(false)
    await postgres.start()
    const databaseUp = performance.now()
    const server = await starting

    expect(performance.now() - databaseUp).toBeLessThan(SERVES_AFTER_DATABASE_MS)
    expect(await send(`${server.url}/api/posts`)).toMatchObject({
      status: 200,
      body: { total: 3 },
    })
  })
})

describe('when Redis is still down as the server starts', () => {
  let redis: PrivateRedis

  beforeAll(async () => {
    redis = await startPrivateRedis()
    await redis.stop()
  })

  afterAll(async () => {
    await redis?.cleanup()
  })

  it('the database routes answer at once, the cache routes recover within 5 s once Redis starts', async () => {
    const server = await start({ redisUrl: redis.url })

    const [list, cached, counter, status] = await Promise.all([
      send(`${server.url}/api/posts`),
      send(`${server.url}/api/posts/cache`),
      send(`${server.url}/api/contador`),
      send(`${server.url}/status`),
    ])
    expect(list).toMatchObject({ status: 200, body: { total: 3 } })
    expect(cached).toMatchObject({ status: 200, body: { fonte: 'banco_de_dados' } })
    expect(counter).toMatchObject({ status: 503, body: { erro: 'Cache indisponível' } })
    expect(status).toMatchObject({ status: 503, body: { cache: 'desconectado' } })
    expect(server.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'redis connection error' }),
    )

    await redis.start()
    await eventually(
      async () => {
        expect(await send(`${server.url}/api/contador`)).toMatchObject({ status: 200 })
        expect(await send(`${server.url}/status`)).toMatchObject({ status: 200 })
      },
      { timeoutMs: RECOVERY_BOUND_MS, intervalMs: 100 },
    )
  })
})

describe('when the database refuses for a reason that waiting will not fix', () => {
  it('the start fails at once instead of retrying forever (a database that does not exist)', async () => {
    const missing = new URL(TEST_POSTGRES_URL)
    missing.pathname = '/no_such_database_for_this_test'
    const logs: LogLine[] = []

    await expect(start({ databaseUrl: missing.toString(), logs })).rejects.toMatchObject({
      code: '3D000',
    })
    expect(logs.filter(({ level }) => level === 'warn')).toEqual([])
  })
})
