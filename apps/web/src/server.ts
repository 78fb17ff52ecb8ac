import { createServer, type Server } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { createCache } from '@repo/cache/client'
import { createDb } from '@repo/db/client'
import { migrate } from '@repo/db/migrate'
import { createApp } from './app.js'
import type { Config } from './config.js'
import { createLogger, describeError, type Logger } from './logger.js'
import { retryWithBackoff } from './retry.js'

export interface RunningServer {
  port: number
  /** Stops accepting, lets in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS), then closes the clients. */
  stop(): Promise<void>
}

/** Wires the real dependencies, migrates once the database answers, and listens on PORT. */
export async function startServer(config: Config, logger: Logger = createLogger(config.LOG_LEVEL)) {
  const db = createDb(config.DATABASE_URL, { statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS })
  const cache = createCache(config.REDIS_URL, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    onError: (error) => logger.warn('redis connection error', describeError(error)),
  })

  const { applied } = await retryWithBackoff(() => migrate(db), {
    what: 'database migration',
    logger,
  })
  logger.info('database ready', { migrationsApplied: applied })

  const app = createApp({ db, cache, config, logger })
  const server = createServer(getRequestListener(app.fetch))
  await listen(server, config.PORT)
  const port = (server.address() as { port: number }).port
  logger.info('listening', { port })

  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down', { drainMs: config.SHUTDOWN_TIMEOUT_MS })
      await drain(server, config.SHUTDOWN_TIMEOUT_MS)
      await Promise.allSettled([db.end({ timeout: 5 }), cache.close()])
      logger.info('stopped')
    })()
    return stopping
  }
  return { port, stop } satisfies RunningServer
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

async function drain(server: Server, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeIdleConnections()
  const forceAfterTimeout = setTimeout(() => server.closeAllConnections(), timeoutMs)
  await closed
  clearTimeout(forceAfterTimeout)
}
