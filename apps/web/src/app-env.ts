import type { ErrorKind } from './errors.js'
import type { Logger } from './logger.js'

/** What the middleware puts on every request's context, for the routes and the error handler. */
export interface AppEnv {
  Variables: {
    requestId: string
    /** The app's logger with this request's id bound: every line about the request goes through it. */
    logger: Logger
    /** Set by whatever answers 5xx, for the request's log line. */
    errorKind?: ErrorKind
  }
}
