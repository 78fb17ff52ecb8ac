import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { Logger } from '../logger.js'
import type { HttpMetrics } from '../metrics/http-metrics.js'
import { withAnswerHeaders } from '../node-bindings.js'
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js'
import { logRequest } from './request-log.js'
import { methodLabel, routeLabel } from './route-label.js'
import { SECURITY_HEADERS } from './security-headers.js'

/**
 * What every request goes through, first of all, in one middleware: each middleware costs a request an async
 * step of its own, about as much as the work of these four.
 * - An id (requestIdFrom) in `c.var.requestId`, and a child of `logger` that puts it on every line of the
 *   request (`c.var.logger`).
 * - `X-Request-Id` and the security headers on the answer, errors included.
 * - Once answered: its line (logRequest), and its count and time in `metrics`, both under the route's pattern.
 */
export function requestFrame(logger: Logger, metrics: HttpMetrics): MiddlewareHandler<AppEnv> {
  // Not an async function: one would stay suspended, and alive for every scavenge, while the route runs.
  return (c, next) => {
    const started = performance.now()
    const id = requestIdFrom(c.req.header(REQUEST_ID_HEADER))
    c.set('requestId', id)
    c.set('logger', logger.child({ requestId: id }))
    return withAnswerHeaders(c, next, [[REQUEST_ID_HEADER, id], ...SECURITY_HEADERS]).then(() => {
      const ms = performance.now() - started
      const route = routeLabel(c)
      metrics.observe(methodLabel(c.req.method), route, c.res.status, ms / 1000)
      logRequest(c, route, ms)
    })
  }
}
