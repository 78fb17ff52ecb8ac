import type { Context } from 'hono'
import type { AppEnv } from '../app-env.js'

/** Asked every few seconds by health checks and scrapers: logged at debug so they do not drown the rest. */
const PROBE_ROUTES = new Set(['/health', '/metrics'])

/**
 * The line of an answered request, through the request's logger (so it carries the request id): method, route
 * pattern, status and duration. At `info`; probes at `debug`; a 5xx at `error`, with the kind of failure, except a
 * request turned away by the load shedder: that is the app working as meant, thousands a second under a flood,
 * and a line each would cost the CPU the admitted requests need (and queue up in memory when stdout is slow).
 * Those go at `debug`; `http_requests_shed_total` counts them.
 */
export function logRequest(c: Context<AppEnv>, route: string, ms: number): void {
  const fields = {
    method: c.req.method,
    route,
    status: c.res.status,
    ms: Math.round(ms * 10) / 10,
  }
  // c.get, not c.var: c.var builds an object of every variable on each read.
  const logger = c.get('logger')
  const errorKind = c.get('errorKind')
  if (errorKind === 'overloaded') {
    logger.debug({ ...fields, errorKind }, 'request')
  } else if (fields.status >= 500) {
    logger.error({ ...fields, errorKind: errorKind ?? 'unexpected' }, 'request')
  } else if (PROBE_ROUTES.has(route)) {
    logger.debug(fields, 'request')
  } else {
    logger.info(fields, 'request')
  }
}
