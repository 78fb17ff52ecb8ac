import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { Logger } from '../logger.js'
import { withAnswerHeaders } from '../node-bindings.js'

export const REQUEST_ID_HEADER = 'X-Request-Id'

/** What an incoming id may be; anything else could forge or break a log line, so it is replaced, never echoed. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * Gives every request an id: the caller's `X-Request-Id` when it is sane, otherwise a new UUID. The id goes back
 * in `X-Request-Id` on every answer, errors included, and onto every log line of the request through a child of
 * `logger` (`c.var.logger`). Register it first, so that everything after it sees the id.
 */
export function requestId(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header(REQUEST_ID_HEADER)
    const id =
      incoming !== undefined && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID()
    c.set('requestId', id)
    c.set('logger', logger.child({ requestId: id }))
    return withAnswerHeaders(c, next, [[REQUEST_ID_HEADER, id]])
  }
}
