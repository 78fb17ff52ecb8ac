import { once } from 'node:events'
import { type Config, ConfigError, parseConfig } from './config.js'
import { describeEndpoint, describeError, type Logger } from './logger.js'
import { type RunningServer, type StartOptions, startServer } from './server.js'

/**
 * The configuration, or the process ends with the message that names every bad variable (after `beforeExit`,
 * e.g. stopping a server already started for it).
 */
export async function configOrExit<T = Config>(
  read: () => T = () => parseConfig(process.env) as T,
  beforeExit: () => Promise<void> = async () => {},
): Promise<T> {
  try {
    return read()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    await beforeExit()
    process.exit(1)
  }
}

/**
 * Aborted by the first SIGTERM or SIGINT. Listening from the start, so that a stop asked for while the server
 * still waits for the database ends it cleanly too. A second signal gets Node's default: the process ends at once.
 */
export function stopOnSignals(onSignal: (signal: NodeJS.Signals) => void): AbortSignal {
  const stopRequested = new AbortController()
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      onSignal(signal)
      stopRequested.abort()
    })
  }
  return stopRequested.signal
}

export interface ServeOptions extends Omit<StartOptions, 'signal'> {
  stopRequested: AbortSignal
  /** Runs once the server has stopped (or failed to start), before the process exits. */
  afterStop?: () => Promise<void>
}

/** The life of the process: start, serve until a stop is asked for, drain, exit (0 after a clean stop). */
export async function serve(config: Config, logger: Logger, options: ServeOptions): Promise<never> {
  const { stopRequested, afterStop = async () => {}, ...startOptions } = options
  const exit = async (code: number): Promise<never> => {
    await afterStop().catch((error: unknown) =>
      logger.error(describeError(error), 'cleanup failed'),
    )
    process.exit(code)
  }

  let server: RunningServer
  try {
    server = await startServer(config, logger, { ...startOptions, signal: stopRequested })
  } catch (error) {
    if (stopRequested.aborted) {
      logger.info('stopped before it was ready')
      return exit(0)
    }
    logger.error(
      { database: describeEndpoint(config.DATABASE_URL), ...describeError(error) },
      'could not start',
    )
    return exit(1)
  }

  if (!stopRequested.aborted) await once(stopRequested, 'abort')
  try {
    await server.stop()
    return exit(0)
  } catch (error) {
    logger.error(describeError(error), 'shutdown failed')
    return exit(1)
  }
}
