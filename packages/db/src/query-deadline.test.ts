import { setTimeout as sleep } from 'node:timers/promises'
import { eventually, timed } from '@repo/testing/eventually'
import { type PrivatePostgres, startPrivatePostgres } from '@repo/testing/private-postgres'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db, isDatabaseUnavailable } from './client.js'
import { migrate } from './migrate.js'
import { createPostsTogether, INSERT_BATCHES_IN_FLIGHT } from './posts.js'

const STATEMENT_TIMEOUT_MS = 400
const DEADLINE_MS = 900
/** What a machine busy with other suites may add to a bound; still well short of the 5 s connect timeout. */
const MARGIN_MS = 2_000

let postgres: PrivatePostgres
const pools: Db[] = []

function open(max = 2, queryTimeoutMs = DEADLINE_MS): Db {
  const db = createDb(postgres.url, {
    max,
    statementTimeoutMs: STATEMENT_TIMEOUT_MS,
    queryTimeoutMs,
  })
  pools.push(db)
  return db
}

const backendPid = async (db: Db) =>
  (await db<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]?.pid

async function rejection(query: () => Promise<unknown>) {
  const { ms, result } = await timed(query)
  if (result.status === 'fulfilled') throw new Error('expected the query to reject')
  return { ms, error: result.reason as Error & { code?: string } }
}

beforeAll(async () => {
  postgres = await startPrivatePostgres()
})

// A failed assertion must not leave the server frozen for the next test.
afterEach(() => postgres?.thaw())

afterAll(async () => {
  await Promise.all(pools.map((db) => db.end({ timeout: 0 })))
  await postgres?.cleanup()
})

describe('a server that stops answering (SIGSTOP) while the pool holds a connection to it', () => {
  it('rejects the query with QUERY_DEADLINE once the deadline passes, an unavailable error', async () => {
    const db = open()
    await backendPid(db)
    postgres.freeze()
    const { ms, error } = await rejection(() => db`select 1`)
    postgres.thaw()

    expect(error.code).toBe('QUERY_DEADLINE')
    expect(isDatabaseUnavailable(error)).toBe(true)
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50)
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS)
  })

  it('drops the connection that hung: after the thaw its server process ends and the next query answers at once', async () => {
    const db = open(1)
    const hungPid = await backendPid(db)
    postgres.freeze()
    await rejection(() => db`select 1`)
    postgres.thaw()

    const { ms, result } = await timed(() => backendPid(db))
    expect(result).toMatchObject({ status: 'fulfilled' })
    expect(ms).toBeLessThan(MARGIN_MS)
    expect((result as PromiseFulfilledResult<number>).value).not.toBe(hungPid)
    const observer = open(1)
    await eventually(async () => {
      const alive = await observer`select 1 from pg_stat_activity where pid = ${hungPid ?? 0}`
      expect(alive).toHaveLength(0)
    })
  })

  it('rejects a query still waiting for a connection within the deadline too', async () => {
    const db = open(1)
    await backendPid(db)
    postgres.freeze()
    const [first, queued] = await Promise.all([
      rejection(() => db`select 1`),
      rejection(async () => {
        await sleep(100)
        return db`select 2`
      }),
    ])
    postgres.thaw()

    for (const { ms, error } of [first, queued]) {
      expect(isDatabaseUnavailable(error)).toBe(true)
      expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS)
    }
    await expect(db`select 3 as n`).resolves.toEqual([{ n: 3 }])
  })

  it('rejects a post waiting for a batch of inserts within the deadline too, counted from its call', async () => {
    // Long enough that waiting for the batches ahead and then a deadline of its own (twice this) exceeds the margin.
    const deadlineMs = MARGIN_MS + 1_000
    const db = open(INSERT_BATCHES_IN_FLIGHT, deadlineMs)
    await migrate(db)
    const create = createPostsTogether(db)
    const post = { titulo: 't', conteudo: 'c', autor: 'a' }
    postgres.freeze()
    const inFlight = Array.from({ length: INSERT_BATCHES_IN_FLIGHT }, () =>
      rejection(() => create(post)),
    )
    const waiting = await rejection(() => create(post))
    await Promise.all(inFlight)
    postgres.thaw()

    expect(waiting.error.code).toBe('QUERY_DEADLINE')
    expect(waiting.ms).toBeGreaterThanOrEqual(deadlineMs - 50)
    expect(waiting.ms).toBeLessThan(deadlineMs + MARGIN_MS)
    await expect(create(post)).resolves.toMatchObject(post)
  })
})

describe('a server that answers', () => {
  it('cancels a statement slower than statement_timeout itself (57014), before the deadline, and keeps the connection', async () => {
    const db = open(1)
    const pid = await backendPid(db)
    const { ms, error } = await rejection(() => db`select pg_sleep(5)`)

    // 57014 is PostgreSQL's own cancel: had the deadline come first, the code would be QUERY_DEADLINE.
    expect(error.code).toBe('57014')
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS)
    expect(await backendPid(db)).toBe(pid)
  })

  it('gives a fragment that is never awaited on its own no deadline', async () => {
    const db = open()
    const fragment = db`select 7 as n`
    await sleep(DEADLINE_MS + 200)
    await expect(db`${fragment}`).resolves.toEqual([{ n: 7 }])
  })
})
