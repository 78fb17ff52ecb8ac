import { createCache, type RedisCache } from '@repo/cache/client'
import { createDb, type Db } from '@repo/db/client'
import { migrate } from '@repo/db/migrate'
import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { createTestKeyspace, type TestKeyspace } from '@repo/testing/redis'
import { createApp } from './app.js'
import { type Config, parseConfig } from './config.js'
import { createLogger } from './logger.js'

/** A URL nothing listens on: connections are refused at once. */
export const CLOSED_POSTGRES_URL = 'postgres://postgres@127.0.0.1:1/postgres'
export const CLOSED_REDIS_URL = 'redis://127.0.0.1:1'

export interface TestEnv {
  app: ReturnType<typeof createApp>
  db: Db
  cache: RedisCache
  config: Config
  close(): Promise<void>
}

interface TestEnvOptions {
  databaseUrl?: string
  redisUrl?: string
  env?: Record<string, string>
}

/**
 * The app on real, isolated resources: a throwaway migrated database and a Redis key space of its own.
 * `databaseUrl`/`redisUrl` replace one of them, e.g. with a server that is down.
 */
export async function createTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const database: TestDatabase | undefined = options.databaseUrl
    ? undefined
    : await createTestDatabase()
  const keyspace: TestKeyspace = createTestKeyspace()
  const config = parseConfig({
    DATABASE_URL: options.databaseUrl ?? database?.url,
    REDIS_URL: options.redisUrl ?? keyspace.url,
    REDIS_KEY_PREFIX: keyspace.prefix,
    LOG_LEVEL: 'silent',
    ...options.env,
  })
  const db = createDb(config.DATABASE_URL, { statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS })
  const cache = createCache(options.redisUrl ?? keyspace.url, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
  })
  if (database) await migrate(db)
  if (!options.redisUrl) await waitFor(() => cache.isReady())
  const app = createApp({ db, cache, config, logger: createLogger('silent') })
  return {
    app,
    db,
    cache,
    config,
    async close() {
      await Promise.allSettled([db.end({ timeout: 1 }), cache.close()])
      await Promise.allSettled([database?.drop(), keyspace.clear()])
    },
  }
}

export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
