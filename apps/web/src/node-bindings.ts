import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Context, Next } from 'hono'
import { FramedResponse, type HeaderList } from './framed-response.js'

/** What `@hono/node-server` puts in `c.env`; absent when the app answers `app.request()` (tests, in process). */
export interface NodeBindings {
  incoming?: IncomingMessage
  outgoing?: ServerResponse
}

/** The Node request and response behind `c`, when there is one. */
export function nodeBindings(c: Context): NodeBindings {
  return (c.env as NodeBindings | undefined) ?? {}
}

/**
 * Runs the rest of the chain with `headers` on its answer, whichever handler or error handler makes it. Behind the
 * app's server (a FramedResponse) Node sends them with the route's own (a route that sets one of them wins).
 * Setting them on `c.res` there would turn `@hono/node-server`'s plain header object into a web `Headers` object,
 * about 5 µs a request; elsewhere (`app.request()`, in process) they are set on `c.res` after the chain. Not an
 * async function: behind the server it hands on the chain's own promise, with no step of its own to keep alive.
 */
export function withAnswerHeaders(c: Context, next: Next, headers: HeaderList): Promise<void> {
  const { outgoing } = nodeBindings(c)
  if (outgoing instanceof FramedResponse) {
    outgoing.frameHeaders = headers
    return next()
  }
  return next().then(() => {
    for (const [name, value] of headers) c.res.headers.set(name, value)
  })
}
