import { createLogger } from './logger.js'
import { configOrExit, serve, stopOnSignals } from './main.js'

const config = await configOrExit()
const logger = createLogger(config.LOG_LEVEL)
const stopRequested = stopOnSignals((signal) => logger.info({ signal }, 'signal received'))
await serve(config, logger, { stopRequested })
