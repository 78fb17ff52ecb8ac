import { once } from 'node:events'
import { ConfigError, parseConfig } from './config.js'
import { createLogger, describeEndpoint, describeError } from './logger.js'
import { type RunningServer, startServer } from './server.js'

let config: ReturnType<typeof parseConfig>
try {
  config = parseConfig(process.env)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}

const logger = createLogger(config.LOG_LEVEL)

// Listening from the start, so that a stop asked for while the server still waits for the database ends it
// cleanly too. A second signal gets Node's default: the process ends at once.
const stopRequested = new AbortController()
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'signal received')
    stopRequested.abort()
  })
}

let server: RunningServer
try {
  server = await startServer(config, logger, { signal: stopRequested.signal })
} catch (error) {
  if (stopRequested.signal.aborted) {
    logger.info('stopped before it was ready')
    process.exit(0)
  }
  logger.error(
    { database: describeEndpoint(config.DATABASE_URL), ...describeError(error) },
    'could not start',
  )
  process.exit(1)
}

if (!stopRequested.signal.aborted) await once(stopRequested.signal, 'abort')
try {
  await server.stop()
  process.exit(0)
} catch (error) {
  logger.error(describeError(error), 'shutdown failed')
  process.exit(1)
}
