// The global setup of every package's vitest run: it settles which PostgreSQL and Redis the run's tests use and
// hands them over in TEST_DATABASE_URL and TEST_REDIS_URL, which the test processes inherit.
//
// PostgreSQL: TEST_DATABASE_URL, else the local server on 127.0.0.1:5432, else an embedded PostgreSQL started for
// this run (TEST_EMBEDDED_POSTGRES=1 forces that). Redis: TEST_REDIS_URL, else 127.0.0.1:6379, else a private
// redis-server started for this run; with neither a server nor the binary, the files that need Redis are not run.
// Under CI=true the local servers are expected: no fallback.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { embeddedBinDir } from '@repo/dev-postgres/binaries'
import { answersQueries, initDataDir, startPostgres } from '@repo/dev-postgres/server'
import { missingVariable, onPath } from './needs.js'
import { freePort } from './ports.js'
import { answersPing, startPrivateRedis } from './private-redis.js'

const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const LOCAL_REDIS_PORT = 6379
const inCi = process.env.CI === 'true'

type Stop = () => Promise<void>

export default async function setup(): Promise<Stop> {
  const stops: Stop[] = []
  const usesLocalPostgres = await settlePostgres(stops)
  const usesLocalRedis = await settleRedis(stops)
  if (!(usesLocalPostgres && usesLocalRedis)) {
    process.env[missingVariable('local-servers')] =
      'needs PostgreSQL and Redis on their default ports of 127.0.0.1, which do not answer here'
  }
  return async () => {
    for (const stop of stops.reverse()) await stop()
  }
}

/** Resolves true when the tests use the local server on its default port. */
async function settlePostgres(stops: Stop[]): Promise<boolean> {
  const forced = process.env.TEST_EMBEDDED_POSTGRES === '1'
  const local = await answersQueries(LOCAL_POSTGRES_URL)
  if (!forced && process.env.TEST_DATABASE_URL) return local
  if (!forced && local) {
    process.env.TEST_DATABASE_URL = LOCAL_POSTGRES_URL
    return true
  }
  if (!forced && inCi) {
    throw new Error(
      'No PostgreSQL answers at 127.0.0.1:5432. Under CI=true the tests do not fall back to an embedded one (TEST_EMBEDDED_POSTGRES=1 asks for it).',
    )
  }
  const binDir = embeddedBinDir()
  if (!binDir) throw new Error(`No embedded PostgreSQL for ${process.platform}-${process.arch}`)
  const dir = mkdtempSync(join(tmpdir(), 'test-postgres-'))
  // As root the server runs as another user, who must be able to reach its data folder.
  chmodSync(dir, 0o755)
  const dataDir = join(dir, 'data')
  await initDataDir(binDir, dataDir, { sync: false })
  const server = await startPostgres({
    binDir,
    dataDir,
    port: await freePort(),
    logFile: join(dir, 'server.log'),
    // Nothing here has to survive a crash of the machine; many test apps connect at once.
    settings: { fsync: 'off', full_page_writes: 'off', max_connections: '300' },
  })
  process.env.TEST_DATABASE_URL = server.url
  console.log(`tests use an embedded PostgreSQL 15 (${server.url})`)
  stops.push(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  return false
}

/** Resolves true when the tests use the local server on its default port. */
async function settleRedis(stops: Stop[]): Promise<boolean> {
  const binary = onPath('redis-server')
  if (!binary) {
    process.env[missingVariable('redis-server')] =
      'needs the redis-server binary, which is not on PATH'
  }
  const local = await answersPing(LOCAL_REDIS_PORT)
  if (process.env.TEST_REDIS_URL) return local
  if (local) {
    process.env.TEST_REDIS_URL = `redis://127.0.0.1:${LOCAL_REDIS_PORT}`
    return true
  }
  if (inCi) {
    throw new Error(
      `No Redis answers at 127.0.0.1:${LOCAL_REDIS_PORT}. Under CI=true the tests do not fall back to a private one.`,
    )
  }
  if (!binary) {
    process.env[missingVariable('redis')] =
      `needs a Redis: none answers at 127.0.0.1:${LOCAL_REDIS_PORT} and there is no redis-server binary to start one`
    return false
  }
  const redis = await startPrivateRedis()
  process.env.TEST_REDIS_URL = redis.url
  console.log(`tests use a redis-server started for this run (${redis.url})`)
  stops.push(() => redis.cleanup())
  return false
}
