// Prints how long the app takes to notice each fault and to recover from it, on private servers.
//   pnpm --filter web measure-recovery
import { setTimeout as sleep } from 'node:timers/promises'
import { startPrivatePostgres } from '@repo/testing/private-postgres'
import { startPrivateRedis } from '@repo/testing/private-redis'
import { send } from '../test/support/http.js'
import { startTestServer } from '../test/support/real-socket.js'

const ROUNDS = 3
const POLL_MS = 20

/** Milliseconds until `path` answers `status`, polling. */
async function until(url: string, status: number, limitMs = 30_000): Promise<number> {
  const started = performance.now()
  while (performance.now() - started < limitMs) {
    const answer = await send(url).catch(() => undefined)
    if (answer?.status === status) return performance.now() - started
    await sleep(POLL_MS)
  }
  throw new Error(`${url} did not answer ${status} within ${limitMs} ms`)
}

/** Requests keep coming while the dependency is down, as they would in production. */
async function outage(ms: number, url: string): Promise<void> {
  const end = performance.now() + ms
  while (performance.now() < end) {
    await send(url).catch(() => undefined)
    await sleep(100)
  }
}

const results: Array<{ fault: string; measure: string; ms: number[] }> = []
function record(fault: string, measure: string, ms: number): void {
  let row = results.find((result) => result.fault === fault && result.measure === measure)
  if (!row) {
    row = { fault, measure, ms: [] }
    results.push(row)
  }
  row.ms.push(Math.round(ms))
}

async function redisFaults(): Promise<void> {
  const redis = await startPrivateRedis()
  const server = await startTestServer({ redisUrl: redis.url, env: { LOG_LEVEL: 'silent' } })
  const counter = `${server.url}/api/contador`
  try {
    await until(counter, 200)
    for (const outageMs of [1_000, 10_000]) {
      for (let round = 0; round < ROUNDS; round++) {
        await redis.stop()
        record('Redis stopped', '/status shows it', await until(`${server.url}/status`, 503))
        await outage(outageMs, counter)
        await redis.start()
        record(
          `Redis back after ${outageMs / 1000} s`,
          '/api/contador 200 again',
          await until(counter, 200),
        )
      }
    }
  } finally {
    await server.stop()
    await redis.cleanup()
  }
}

async function postgresFaults(): Promise<void> {
  const postgres = await startPrivatePostgres()
  const server = await startTestServer({ databaseUrl: postgres.url, env: { LOG_LEVEL: 'silent' } })
  const list = `${server.url}/api/posts`
  const burst = async () => {
    const started = performance.now()
    const answers = await Promise.all(Array.from({ length: 50 }, () => send(list)))
    if (answers.some(({ status }) => status !== 200))
      throw new Error('a request of the burst failed')
    return performance.now() - started
  }
  try {
    for (const kind of ['stop', 'kill'] as const) {
      for (let round = 0; round < ROUNDS; round++) {
        await burst()
        await postgres[kind]()
        record(`PostgreSQL ${kind}`, '/status shows it', await until(`${server.url}/status`, 503))
        await outage(3_000, list)
        const started = performance.now()
        await postgres.start()
        record(`PostgreSQL ${kind}`, 'start() until it answers', performance.now() - started)
        record(`PostgreSQL ${kind}`, 'then 50 concurrent GETs, all 200', await burst())
      }
    }
    for (let round = 0; round < ROUNDS; round++) {
      await burst()
      postgres.freeze()
      await sleep(3_000)
      postgres.thaw()
      record('PostgreSQL frozen 3 s', 'thaw until /api/posts 200', await until(list, 200))
    }
  } finally {
    await server.stop()
    await postgres.cleanup()
  }
}

async function startupWhileDown(): Promise<void> {
  const postgres = await startPrivatePostgres()
  try {
    for (let round = 0; round < ROUNDS; round++) {
      await postgres.stop()
      const starting = startTestServer({ databaseUrl: postgres.url, env: { LOG_LEVEL: 'silent' } })
      await sleep(3_000)
      await postgres.start()
      const databaseUp = performance.now()
      const server = await starting
      record(
        'app started while PostgreSQL down',
        'PostgreSQL up until listening',
        performance.now() - databaseUp,
      )
      await server.stop()
    }
  } finally {
    await postgres.cleanup()
  }
}

await redisFaults()
await postgresFaults()
await startupWhileDown()

console.log(`fault | measure | ms (${ROUNDS} rounds each)`)
for (const { fault, measure, ms } of results)
  console.log(`${fault} | ${measure} | ${ms.join(', ')}`)
