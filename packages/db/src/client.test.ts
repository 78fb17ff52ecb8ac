import { timed } from '@repo/testing/eventually'
import { type PortProxy, startPortProxy } from '@repo/testing/port-proxy'
import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db, type DbOptions, isDatabaseUnavailable, pingDb } from './client.js'

let database: TestDatabase
const pools: Db[] = []

function open(url: string, options?: DbOptions): Db {
  const db = createDb(url, options)
  pools.push(db)
  return db
}

function withPort(url: string, port: number): string {
  const parsed = new URL(url)
  parsed.port = String(port)
  return parsed.toString()
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the promise to reject')
}

/** The error `operation` rejects with, and how long it took to; fails the test if it resolves. */
async function timedFailure(
  operation: () => Promise<unknown>,
): Promise<{ error: unknown; ms: number }> {
  const { ms, result } = await timed(operation)
  if (result.status === 'fulfilled') throw new Error('expected the promise to reject')
  return { error: result.reason, ms }
}

beforeAll(async () => {
  database = await createTestDatabase()
})

afterAll(async () => {
  await Promise.all(pools.map((db) => db.end({ timeout: 0 })))
  await database.drop()
})

describe('pingDb', () => {
  it('resolves when the database answers', async () => {
    await expect(pingDb(open(database.url))).resolves.toBeUndefined()
  })

  it('rejects with an unavailable error when nothing listens, though creating the pool did not throw', async () => {
    const db = open('postgres://postgres@127.0.0.1:1/postgres')

    const error = await failure(pingDb(db))

    expect(isDatabaseUnavailable(error)).toBe(true)
  })
})

describe('isDatabaseUnavailable', () => {
  it('is false for a syntax error, which is a bug and not an outage', async () => {
    const error = await failure(open(database.url)`selec 1`)

    expect(error).toMatchObject({ code: '42601' })
    expect(isDatabaseUnavailable(error)).toBe(false)
  })

  it('is false for values that carry no error code', () => {
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false)
    expect(isDatabaseUnavailable(undefined)).toBe(false)
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false)
  })

  it('is true for a query that outlives the statement timeout', async () => {
    const db = open(database.url, { statementTimeoutMs: 200 })

    const { error, ms } = await timedFailure(() => db`select pg_sleep(5)`)

    expect(error).toMatchObject({ code: '57014' })
    expect(isDatabaseUnavailable(error)).toBe(true)
    expect(ms).toBeLessThan(4_000)
  })
})

describe('when the server drops the pooled connections, as a restart does', () => {
  it('the same pool answers the next query on fresh connections', async () => {
    const db = open(database.url, { max: 2 })
    const before = await Promise.all([
      db`select pg_backend_pid() as pid, pg_sleep(0.05)`,
      db`select pg_backend_pid() as pid, pg_sleep(0.05)`,
    ])
    const admin = open(database.url, { max: 1 })
    const pids = before.map(([row]) => row?.pid)

    await admin`select pg_terminate_backend(pid) from pg_stat_activity where pid in ${admin(pids)}`
    await expect
      .poll(() => db`select pg_backend_pid() as pid`.then(([row]) => row?.pid))
      .not.toBeOneOf(pids)
  })
})

describe('behind a port proxy whose database goes down and comes back', () => {
  let proxy: PortProxy

  beforeAll(async () => {
    const server = new URL(database.url)
    proxy = await startPortProxy({ host: server.hostname, port: Number(server.port || 5432) })
  })

  afterAll(async () => {
    await proxy.close()
  })

  it('rejects promptly while it is down, every time, and answers again once it is back', async () => {
    const db = open(withPort(database.url, proxy.port), { max: 1 })
    await pingDb(db)

    proxy.backendDown()
    // With a single connection, the second attempt only settles if the first one gave the pool slot back.
    for (const attempt of [1, 2]) {
      const { error, ms } = await timedFailure(() => pingDb(db))
      expect(isDatabaseUnavailable(error), `attempt ${attempt}`).toBe(true)
      // Well short of the 5 s connect timeout, with room for a busy machine.
      expect(ms, `attempt ${attempt}`).toBeLessThan(3_000)
    }

    proxy.backendUp()
    await expect(pingDb(db)).resolves.toBeUndefined()
  })
})
