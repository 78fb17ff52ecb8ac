import { eventually } from '@repo/testing/eventually'

export interface ReceivedEvent {
  event: string
  data: string
}

export interface EventStreamReader {
  status: number
  headers: Headers
  /** Every event so far, in order. */
  events: ReceivedEvent[]
  /** Comment lines (`: heartbeat`) so far. */
  comments: string[]
  /** The first event named `event` whose data satisfies `matches`, waiting up to `timeoutMs` for it. */
  waitFor(
    event: string,
    matches?: (data: unknown) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedEvent>
  /** The body when the answer was not a stream (e.g. the 503 JSON). */
  body(): Promise<unknown>
  /** Drops the connection, as a closed browser tab does. */
  close(): void
}

/** GET `url` (an /api/events) and parse the server-sent events as they come, as EventSource would. */
export async function openEventStream(url: string): Promise<EventStreamReader> {
  const abort = new AbortController()
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream' },
    signal: abort.signal,
  })
  const events: ReceivedEvent[] = []
  const comments: string[] = []
  const isStream = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false
  if (isStream && response.body) {
    void (async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      try {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true })
          let end = buffer.indexOf('\n\n')
          while (end >= 0) {
            parseBlock(buffer.slice(0, end), events, comments)
            buffer = buffer.slice(end + 2)
            end = buffer.indexOf('\n\n')
          }
        }
      } catch {
        // Aborted by close(), or the server ended the stream.
      }
    })()
  }
  return {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    waitFor(event, matches = () => true, timeoutMs = 5_000) {
      return eventually(
        () => {
          const found = events.find((e) => e.event === event && matches(JSON.parse(e.data)))
          if (!found) throw new Error(`no "${event}" event yet; got ${JSON.stringify(events)}`)
          return found
        },
        { timeoutMs, intervalMs: 10 },
      )
    },
    body: () => response.json(),
    close: () => abort.abort(),
  }
}

function parseBlock(block: string, events: ReceivedEvent[], comments: string[]) {
  let event = 'message'
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) comments.push(line.slice(1).trim())
    else if (line.startsWith('event: ')) event = line.slice('event: '.length)
    else if (line.startsWith('data: ')) data.push(line.slice('data: '.length))
  }
  if (data.length > 0) events.push({ event, data: data.join('\n') })
}
