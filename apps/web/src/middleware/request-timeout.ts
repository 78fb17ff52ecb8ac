import { withTimeout } from '@repo/async/deadline'
import type { MiddlewareHandler } from 'hono'
import { requestTimedOut } from '../errors.js'

/**
 * Answers 503 (requestTimedOut, through onError) when the rest of the chain has not answered within `ms`. The
 * project's one promise deadline, rather than hono/timeout, which adds a promise race and an async frame to
 * every request.
 */
export function requestTimeout(ms: number): MiddlewareHandler {
  return (_c, next) => withTimeout(next(), ms, requestTimedOut)
}
