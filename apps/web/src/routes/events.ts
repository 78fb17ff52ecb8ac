import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { streamSSE } from 'hono/streaming'
import type { AppEnv } from '../app-env.js'
import { errorResponse } from '../errors.js'
import type { FanOut } from '../events/fan-out.js'
import type { EventHub, LiveEvent } from '../events/hub.js'
import { errorContent } from '../openapi.js'

/** Seconds a client refused for the stream limit is asked to wait (Retry-After) before it tries again. */
export const STREAMS_FULL_RETRY_AFTER_SECONDS = 5
/** Milliseconds an EventSource waits before reconnecting after a dropped stream (the SSE `retry` field). */
const RECONNECT_AFTER_MS = 2000
/** Events written to a stream and not yet taken by its client; past this the client is too slow and is dropped. */
const MAX_UNSENT_EVENTS = 64

const events = createRoute({
  method: 'get',
  path: '/api/events',
  operationId: 'streamEvents',
  summary:
    'Server-sent events: created posts and counter changes, from every instance, as they happen',
  description: [
    'A `text/event-stream` that stays open. Events (each `data` is one line of JSON):',
    '',
    '- `pronto` `{}`: the stream listens; whatever happens from now on is sent.',
    '- `post` (a Post): a post was created, through any instance of the API.',
    '- `contador` `{"contador": n}`: the counter changed (at most five times a second per instance).',
    '- `sincronizar` `{}`: events may have been missed (the database connection was lost): read the state again.',
    '',
    'A comment line (`: heartbeat`) comes every EVENT_HEARTBEAT_MS (default 15 s). The number of open streams',
    'per instance is limited (EVENT_STREAMS_MAX, default 500): past it the answer is 503 with `Retry-After`.',
  ].join('\n'),
  responses: {
    200: {
      description: 'The stream of events',
      content: {
        'text/event-stream': {
          schema: z.string().openapi({ example: 'event: pronto\ndata: {}\n\n' }),
        },
      },
    },
    503: {
      ...errorContent('Too many open streams on this instance, or the database is unavailable'),
      headers: {
        'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' },
      },
    },
  },
})

interface EventRoutesDeps {
  hub: EventHub
  fanOut: FanOut
  heartbeatMs: number
}

export function eventRoutes({ hub, fanOut, heartbeatMs }: EventRoutesDeps) {
  return new OpenAPIHono<AppEnv>().openapi(events, async (c) => {
    // HEAD gets the headers only: a stream nobody reads would hold its place forever.
    if (c.req.method === 'HEAD') return c.body(null, 200, { 'Content-Type': 'text/event-stream' })
    const slot = hub.reserve()
    if (!slot) {
      c.set('errorKind', 'event streams full')
      c.header('Retry-After', String(STREAMS_FULL_RETRY_AFTER_SECONDS))
      return errorResponse(c, 503, 'Limite de conexões de eventos atingido; tente mais tarde')
    }
    try {
      await fanOut.listening()
    } catch (error) {
      slot.release()
      throw error
    }
    // Buffering proxies (nginx) would hold the events back.
    c.header('X-Accel-Buffering', 'no')
    return streamSSE(c, async (stream) => {
      let ended!: () => void
      const end = new Promise<void>((resolve) => {
        ended = resolve
      })
      stream.onAbort(ended)
      // Writes the client has not taken yet; a client that stops reading is dropped rather than buffered for.
      let unsent = 0
      const write = (chunk: () => Promise<unknown>) => {
        if (unsent >= MAX_UNSENT_EVENTS) {
          stream.abort()
          return
        }
        unsent++
        void chunk().finally(() => unsent--)
      }
      const send = (event: LiveEvent | { event: 'pronto'; data: object }, retry?: number) =>
        write(() =>
          stream.writeSSE({ event: event.event, data: JSON.stringify(event.data), retry }),
        )
      slot.attach({ send, close: ended })
      const heartbeat = setInterval(() => write(() => stream.write(': heartbeat\n\n')), heartbeatMs)
      try {
        send({ event: 'pronto', data: {} }, RECONNECT_AFTER_MS)
        await end
      } finally {
        clearInterval(heartbeat)
        slot.release()
      }
    })
  })
}
