import type { Context } from 'hono'
import { matchedRoutes } from 'hono/route'

/** The route label of a request that no route answered (404, 405): one value for every such path. */
export const UNMATCHED_ROUTE = 'unmatched'

/** The label of a method outside the standard ones, as OpenTelemetry names it. */
export const OTHER_METHOD = '_OTHER'

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/**
 * The pattern of the route that answered (`/api/posts/:id`, never the path asked for), or UNMATCHED_ROUTE. Read it
 * after `await next()`: `routeIndex` is then the handler that answered, or a middleware when no route matched.
 */
export function routeLabel(c: Context): string {
  const route = matchedRoutes(c)[c.req.routeIndex]
  return route === undefined || route.method === 'ALL' ? UNMATCHED_ROUTE : route.path
}

export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : OTHER_METHOD
}
