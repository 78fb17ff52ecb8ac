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
import { FramedResponse } from './framed-response.js'
import { canReusePort, listenTogether } from './listen.js'
import { describeEndpoint, describeError, type Logger } from './logger.js'
import { startMetricsServer } from './metrics/metrics-server.js'
import { createMetricsRegistry } from './metrics/registry.js'
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
  /** How the logs name the database; default its `host:port`. */
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
  logger: Logger,
  { signal, databaseLabel = describeEndpoint(config.DATABASE_URL) }: StartOptions = {},
): Promise<RunningServer> {
  const db = createDb(config.DATABASE_URL, { statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS })
  const cache = openCache(config, logger)
  // Where the data lives, never the URLs (they may carry a password): named once here, and bound into the
  // loggers of the connections' own errors. A request's errors carry its request id instead.
  logger.info({ database: databaseLabel, cache: cache.location }, 'starting')
  const databaseLog = logger.child({ database: databaseLabel })
  let metricsServer: Server | undefined

  try {
    const { applied } = await retryWithBackoff(() => migrate(db), {
      what: 'database migration',
      logger: databaseLog,
      shouldRetry: isDatabaseUnavailable,
      signal,
    })
    logger.info(
      { database: databaseLabel, cache: cache.location, migrationsApplied: applied },
      'database ready',
    )
    const metrics = createMetricsRegistry()
    const shuttingDown = new AbortController()
    const app = createApp({ db, cache, config, logger, metrics, stopping: shuttingDown.signal })
    if (config.METRICS_PORT !== undefined) {
      metricsServer = await startMetricsServer(metrics, config.METRICS_PORT)
      logger.info({ port: config.METRICS_PORT }, 'serving /metrics')
    }
    const listener = getRequestListener(app.fetch)
    const servers = Array.from({ length: canReusePort() ? config.LISTEN_SOCKETS : 1 }, () => {
      const server = createServer({ ServerResponse: FramedResponse })
      server.on('clientError', answerUnparsableRequest)
      const drainable = makeDrainable(server)
      server.on('request', listener)
      return { server, drainable }
    })
    const port = await listenTogether(
      servers.map(({ server }) => server),
      config.PORT,
    )
    logger.info({ port, listenSockets: servers.length }, 'listening')

    let stopping: Promise<void> | undefined
    const stop = () => {
      stopping ??= (async () => {
        logger.info({ drainMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down')
        const drained = Promise.all(
          servers.map(({ drainable }) => drainable.drain(config.SHUTDOWN_TIMEOUT_MS)),
        )
        // Event streams never finish by themselves: ended now, their clients reconnect elsewhere.
        shuttingDown.abort()
        const cut = (await drained).reduce((sum, result) => sum + result.cut, 0)
        if (cut > 0) logger.warn({ cut }, 'requests cut at the shutdown timeout')
        await Promise.all([closeClients(db, cache), closeServer(metricsServer)])
        logger.info('stopped')
      })()
      return stopping
    }
    return { port, stop }
  } catch (error) {
    await Promise.all([closeClients(db, cache), closeServer(metricsServer)])
    throw error
  }
}

/** Redis at REDIS_URL; without one (development only: production requires it), the in-process cache. */
function openCache(config: Config, logger: Logger): Cache {
  const { REDIS_URL: url, REDIS_KEY_PREFIX: keyPrefix } = config
  if (url === undefined) return createMemoryCache({ keyPrefix })
  const cacheLog = logger.child({ cache: describeEndpoint(url) })
  return createCache(url, {
    keyPrefix,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    onError: (error) => cacheLog.warn(describeError(error), 'redis connection error'),
  })
}

async function closeClients(db: Db, cache: Cache): Promise<void> {
  await Promise.allSettled([db.end({ timeout: DB_CLOSE_GRACE_SECONDS }), cache.close()])
}

function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve()
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}
