import { createCache, type RedisCache } from '@repo/cache/client'
import { createDb, type Db } from '@repo/db/client'
import { migrate } from '@repo/db/migrate'
import { eventually } from '@repo/testing/eventually'
import { Registry } from 'prom-client'
import { type App, createApp } from '../../src/app.js'
import { type Config, parseConfig } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import { collectInto, type LogLine } from './logs.js'
import { acquireResources, type ResourceOptions } from './resources.js'

export interface TestEnv {
  /** Call it with `app.request()`: no socket, no server. */
  app: App
  db: Db
  cache: RedisCache
  config: Config
  /** What the app logged, parsed; empty unless `env` sets a LOG_LEVEL (the default is silent). */
  logs: LogLine[]
  /** The app's metrics registry, of its own. */
  metrics: Registry
  close(): Promise<void>
}

export interface TestEnvOptions extends ResourceOptions {
  /** More configuration, as environment variables: `{ REQUEST_TIMEOUT_MS: '300' }`. */
  env?: Record<string, string>
  /** false: leave the throwaway database without its tables. */
  migrate?: boolean
}

/**
 * The app built by createApp, in this process, on real and isolated resources: a throwaway migrated database and
 * a Redis key prefix of its own unless `options` say otherwise. Resolves once Redis is ready, unless a Redis of
 * the test's own was given (it may be down on purpose).
 */
export async function createTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const resources = await acquireResources(options)
  const config = parseConfig({
    DATABASE_URL: resources.databaseUrl,
    REDIS_URL: resources.redisUrl,
    REDIS_KEY_PREFIX: resources.keyPrefix,
    LOG_LEVEL: 'silent',
    ...options.env,
  })
  const db = createDb(config.DATABASE_URL, { statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS })
  const cache = createCache(resources.redisUrl, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
  })
  const close = async () => {
    await Promise.allSettled([db.end({ timeout: 1 }), cache.close()])
    await resources.release()
  }
  try {
    if (resources.ownDatabase && options.migrate !== false) await migrate(db)
    if (options.redisUrl === undefined) {
      await eventually(
        () => {
          if (!cache.isReady()) throw new Error('Redis is not ready')
        },
        { intervalMs: 10 },
      )
    }
  } catch (error) {
    await close()
    throw error
  }
  const logs: LogLine[] = []
  const metrics = new Registry()
  const app = createApp({
    db,
    cache,
    config,
    logger: createLogger(config.LOG_LEVEL, collectInto(logs)),
    metrics,
  })
  return { app, db, cache, config, logs, metrics, close }
}
