import { createServer, type Server } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import type { Cache } from '@repo/cache/cache'
import { createCache } from '@repo/cache/client'
import { createMemoryCache } from '@repo/cache/memory'
import { createDb, type Db, isDatabaseUnavailable } from '@repo/db/client'
import { migrate } from '@repo/db/migrate'
import { createApp } from './app.js'
import type { Config } from './config.js'
import { makeDrainable } from './drain.js'
import { createLogger, describeEndpoint, describeError, type Logger, withFields } from './logger.js'
import { answerUnparsableRequest } from './request-guards.js'
import { retryWithBackoff } from './retry.js'

export interface RunningServer {
  port: number
  /**
   * Stops accepting, lets in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS, then cuts them), then closes the
   * clients. Safe to call twice.
   */
  stop(): Promise<void>
}

export interface StartOptions {
  /** Aborting it while the server still waits for the database gives up: startServer rejects. */
  signal?: AbortSignal
  /** How the start log names the database; default its `host:port`. */
  databaseLabel?: string
}

/** Seconds that queries still running once the requests are drained (or cut) get before their connections close. */
const DB_CLOSE_GRACE_SECONDS = 1

/**
 * Wires the real dependencies, waits for the database (retrying with backoff while it is unreachable) and
 * migrates it, then listens on PORT. Redis is not waited for: its routes answer 503 until it is up.
 */
export async function startServer(
  config: Config,
  logger: Logger = createLogger(config.LOG_LEVEL),
  { signal, databaseLabel = describeEndpoint(config.DATABASE_URL) }: StartOptions = {},
): Promise<RunningServer> {
  const db = createDb(config.DATABASE_URL, { statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS })
  const cache = openCache(config, logger)

  try {
    const { applied } = await retryWithBackoff(() => migrate(db), {
      what: 'database migration',
      logger: withFields(logger, { database: describeEndpoint(config.DATABASE_URL) }),
      shouldRetry: isDatabaseUnavailable,
      signal,
    })
    logger.info('database ready', {
      database: databaseLabel,
      cache: cache.location,
      migrationsApplied: applied,
    })
    const server = createServer()
    server.on('clientError', answerUnparsableRequest)
    const drainable = makeDrainable(server)
    server.on('request', getRequestListener(createApp({ db, cache, config, logger }).fetch))
    await listen(server, config.PORT)

    const port = (server.address() as { port: number }).port
    logger.info('listening', { port })

    let stopping: Promise<void> | undefined
    const stop = () => {
      stopping ??= (async () => {
        logger.info('shutting down', { drainMs: config.SHUTDOWN_TIMEOUT_MS })
        const { cut } = await drainable.drain(config.SHUTDOWN_TIMEOUT_MS)
        if (cut > 0) logger.warn('requests cut at the shutdown timeout', { cut })
        await closeClients(db, cache)
        logger.info('stopped')
      })()
      return stopping
    }
    return { port, stop }
  } catch (error) {
    await closeClients(db, cache)
    throw error
  }
}

/** Redis at REDIS_URL; without one (development only: production requires it), the in-process cache. */
function openCache(config: Config, logger: Logger): Cache {
  const { REDIS_URL: url, REDIS_KEY_PREFIX: keyPrefix } = config
  if (url === undefined) return createMemoryCache({ keyPrefix })
  return createCache(url, {
    keyPrefix,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    onError: (error) =>
      logger.warn('redis connection error', {
        cache: describeEndpoint(url),
        ...describeError(error),
      }),
  })
}

async function closeClients(db: Db, cache: Cache): Promise<void> {
  await Promise.allSettled([db.end({ timeout: DB_CLOSE_GRACE_SECONDS }), cache.close()])
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
