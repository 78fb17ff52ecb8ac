import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Context } from 'hono'

/** What `@hono/node-server` puts in `c.env`; absent when the app answers `app.request()` (tests, in process). */
export interface NodeBindings {
  incoming?: IncomingMessage
  outgoing?: ServerResponse
}

/** The Node request and response behind `c`, when there is one. */
export function nodeBindings(c: Context): NodeBindings {
  return (c.env as NodeBindings | undefined) ?? {}
}
