import {
  type FakeServer,
  startPasswordRejectingPostgres,
  startPasswordRejectingRedis,
} from '@repo/testing/password-rejecting-servers'
import { freePort } from '@repo/testing/ports'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnAppProcess } from '../support/child-process.js'
import { postJson } from '../support/http.js'
import { createTestEnv, type TestEnv } from '../support/in-process.js'
import { parseLogLines } from '../support/logs.js'

const PASSWORD = 's3cr3t-Pa55w0rd'

let postgres: FakeServer
let redis: FakeServer
beforeAll(async () => {
  ;[postgres, redis] = await Promise.all([
    startPasswordRejectingPostgres(),
    startPasswordRejectingRedis(),
  ])
})
afterAll(async () => {
  await Promise.all([postgres?.close(), redis?.close()])
})

/** Runs the real entry point (src/index.ts) with these connection strings until `until` is logged. */
async function runServer(urls: { database: string; redis: string }, until: RegExp[]) {
  const app = await spawnAppProcess({ databaseUrl: urls.database, redisUrl: urls.redis })
  try {
    for (const pattern of until) await app.waitForStdout(pattern)
  } finally {
    await app.cleanup()
  }
  return { output: app.output(), lines: parseLogLines(app.stdout()) }
}

describe('the server started with connection strings that carry a password', () => {
  it('logs the host and the reason, never the password, when the database port is closed and Redis refuses the password', async () => {
    const closedPort = await freePort()
    const { output, lines } = await runServer(
      {
        database: `postgres://postgres:${PASSWORD}@127.0.0.1:${closedPort}/posts`,
        redis: `redis://default:${PASSWORD}@127.0.0.1:${redis.port}`,
      },
      [/database migration failed/, /redis connection error/],
    )
    expect(output).not.toContain(PASSWORD)
    expect(
      lines.find((line) => line.message.startsWith('database migration failed')),
    ).toMatchObject({ database: `127.0.0.1:${closedPort}`, code: 'ECONNREFUSED' })
    expect(lines.find((line) => line.message === 'redis connection error')).toMatchObject({
      cache: `127.0.0.1:${redis.port}`,
      error: expect.stringMatching(/^WRONGPASS/),
    })
  })

  it('logs the host and the reason, never the password, when the database refuses the password and the Redis port is closed', async () => {
    const closedPort = await freePort()
    const { output, lines } = await runServer(
      {
        database: `postgres://postgres:${PASSWORD}@127.0.0.1:${postgres.port}/posts`,
        redis: `redis://:${PASSWORD}@127.0.0.1:${closedPort}`,
      },
      [/could not start/],
    )
    expect(output).not.toContain(PASSWORD)
    expect(lines.find((line) => line.message === 'could not start')).toMatchObject({
      database: `127.0.0.1:${postgres.port}`,
      code: '28P01',
      error: expect.stringMatching(/password authentication failed/),
    })
  })
})

describe('the app, when the database refuses its password', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await createTestEnv({
      databaseUrl: `postgres://postgres:${PASSWORD}@127.0.0.1:${postgres.port}/posts`,
      env: { LOG_LEVEL: 'debug' },
    })
  })
  afterAll(() => env?.close())

  it.each([
    ['GET', '/api/posts', undefined],
    ['POST', '/api/posts', postJson({ titulo: 't', conteudo: 'c' })],
  ])('%s %s answers 503 and logs its request id, never the password', async (_, path, init) => {
    env.logs.length = 0
    const res = await env.app.request(path, init)
    const body = await res.text()
    expect(res.status).toBe(503)
    expect(JSON.parse(body)).toEqual({ erro: 'Banco de dados indisponível' })
    expect(body + JSON.stringify(env.logs)).not.toContain(PASSWORD)
    expect(env.logs).toContainEqual(
      expect.objectContaining({
        message: 'database unavailable',
        requestId: res.headers.get('x-request-id'),
        code: '28P01',
      }),
    )
  })
})
