import { type Cache, createCache } from '@repo/cache/client'
import { createDb, type Db } from '@repo/db/client'
import { migrate } from '@repo/db/migrate'
import { eventually } from '@repo/testing/eventually'
import { freePort } from '@repo/testing/ports'
import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { createTestKeyspace } from '@repo/testing/redis'
import { Registry } from 'prom-client'
import { type App, createApp } from '../../src/app.js'
import { type Config, parseConfig } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import { type RunningServer, startServer } from '../../src/server.js'

export type LogLine = { level: string; message: string; [field: string]: unknown }

/** Collects what a logger writes, parsed, at debug and up. */
export function logCollector() {
  const lines: LogLine[] = []
  const logger = createLogger('debug', (line) => lines.push(JSON.parse(line) as LogLine))
  return { lines, logger }
}

export interface ObservedApp {
  app: App
  /** Every line the app logged so far, debug included. */
  logs: LogLine[]
  metrics: Registry
  db: Db
  cache: Cache
  config: Config
  close(): Promise<void>
}

interface Options {
  /** Replaces the throwaway database, e.g. with a closed port or a hanging server. */
  databaseUrl?: string
  /** Replaces the test key space's Redis, e.g. with a closed port. */
  redisUrl?: string
  /** Leave the throwaway database without its tables. */
  migrate?: boolean
  env?: Record<string, string>
}

/** createApp on a throwaway database and Redis key space, with its log lines and its metrics registry at hand. */
export async function createObservedApp(options: Options = {}): Promise<ObservedApp> {
  const database: TestDatabase | undefined = options.databaseUrl
    ? undefined
    : await createTestDatabase()
  const keyspace = createTestKeyspace()
  const config = parseConfig({
    DATABASE_URL: options.databaseUrl ?? database?.url,
    REDIS_URL: options.redisUrl ?? keyspace.url,
    REDIS_KEY_PREFIX: keyspace.prefix,
    ...options.env,
  })
  const db = createDb(config.DATABASE_URL, { statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS })
  const cache = createCache(config.REDIS_URL, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
  })
  if (database && options.migrate !== false) await migrate(db)
  if (!options.redisUrl) {
    await eventually(() => {
      if (!cache.isReady()) throw new Error('Redis is not ready')
    })
  }
  const { lines, logger } = logCollector()
  const metrics = new Registry()
  return {
    app: createApp({ db, cache, config, logger, metrics }),
    logs: lines,
    metrics,
    db,
    cache,
    config,
    async close() {
      await Promise.allSettled([db.end({ timeout: 1 }), cache.close()])
      await Promise.allSettled([database?.drop(), keyspace.clear()])
    },
  }
}

export interface ObservedServer {
  url: string
  logs: LogLine[]
  stop(): Promise<void>
}

/** The real server (startServer, real sockets) on a throwaway database and key space; `env` adds settings. */
export async function startObservedServer(
  env: Record<string, string> = {},
): Promise<ObservedServer> {
  const database = await createTestDatabase()
  const keyspace = createTestKeyspace()
  const config = parseConfig({
    PORT: String(await freePort()),
    DATABASE_URL: database.url,
    REDIS_URL: keyspace.url,
    REDIS_KEY_PREFIX: keyspace.prefix,
    ...env,
  })
  const { lines, logger } = logCollector()
  let server: RunningServer
  try {
    server = await startServer(config, logger)
  } catch (error) {
    await Promise.allSettled([database.drop(), keyspace.clear()])
    throw error
  }
  return {
    url: `http://127.0.0.1:${server.port}`,
    logs: lines,
    async stop() {
      await server.stop()
      await Promise.allSettled([database.drop(), keyspace.clear()])
    },
  }
}
