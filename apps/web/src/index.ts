import { ConfigError, parseConfig } from './config.js'
import { createLogger, describeError } from './logger.js'
import { startServer } from './server.js'

let config: ReturnType<typeof parseConfig>
try {
  config = parseConfig(process.env)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}

const logger = createLogger(config.LOG_LEVEL)
try {
  const server = await startServer(config, logger)
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('shutdown failed', describeError(error))
          process.exit(1)
        },
      )
    })
  }
} catch (error) {
  logger.error('could not start', describeError(error))
  process.exit(1)
}
