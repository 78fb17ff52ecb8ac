import { PostSchema } from '@repo/contracts/posts'
import { eventually } from '@repo/testing/eventually'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EventStreamReader, openEventStream } from '../support/event-stream.js'
import { postJson, send } from '../support/http.js'
import { startTestServer, type TestServer } from '../support/real-socket.js'

const MAX_STREAMS = 3
let server: TestServer
const opened: EventStreamReader[] = []

async function open(): Promise<EventStreamReader> {
  const stream = await openEventStream(`${server.url}/api/events`)
  opened.push(stream)
  return stream
}

async function openStreams(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  const value = /^event_streams_open (\d+)$/m.exec(text)?.[1]
  if (value === undefined) throw new Error('no event_streams_open in /metrics')
  return Number(value)
}

beforeAll(async () => {
  server = await startTestServer({
    env: {
      EVENT_STREAMS_MAX: String(MAX_STREAMS),
      EVENT_HEARTBEAT_MS: '200',
      LOG_LEVEL: 'silent',
    },
  })
})

afterAll(async () => {
  for (const stream of opened) stream.close()
  await server?.stop()
})

describe('GET /api/events', () => {
  it('answers a stream of server-sent events that starts with "pronto", never cached or buffered', async () => {
    const stream = await open()

    expect(stream.status).toBe(200)
    expect(stream.headers.get('content-type')).toBe('text/event-stream')
    expect(stream.headers.get('cache-control')).toBe('no-cache')
    expect(stream.headers.get('x-accel-buffering')).toBe('no')
    expect(JSON.parse((await stream.waitFor('pronto')).data)).toEqual({})
    stream.close()
  })

  it('a post created through the API reaches an open stream, whole, within a second', async () => {
    const stream = await open()
    await stream.waitFor('pronto')

    const started = performance.now()
    const created = await send(
      `${server.url}/api/posts`,
      postJson({ titulo: 'ao vivo', conteudo: 'chega pelo stream', autor: 'Teste' }),
    )
    const post = PostSchema.parse(created.body)
    const event = await stream.waitFor('post', (data) => (data as { id: number }).id === post.id)

    expect(performance.now() - started).toBeLessThan(1_000)
    expect(JSON.parse(event.data)).toEqual(post)
    stream.close()
  })

  it('the counter reaches an open stream with its latest value', async () => {
    const stream = await open()
    await stream.waitFor('pronto')

    await send(`${server.url}/api/contador`)
    const { body } = await send(`${server.url}/api/contador`)
    const { contador } = body as { contador: number }

    const event = await stream.waitFor(
      'contador',
      (data) => (data as { contador: number }).contador === contador,
      1_000,
    )
    expect(JSON.parse(event.data)).toEqual({ contador })
    stream.close()
  })

  it('a comment line comes every EVENT_HEARTBEAT_MS while nothing happens', async () => {
    const stream = await open()
    await stream.waitFor('pronto')

    await eventually(() => expect(stream.comments.length).toBeGreaterThanOrEqual(3), {
      timeoutMs: 2_000,
    })
    expect(stream.comments.every((comment) => comment === 'heartbeat')).toBe(true)
    stream.close()
  })

  it(`past EVENT_STREAMS_MAX (${MAX_STREAMS}) open streams the next is refused with 503 and Retry-After, and a stream dropped frees its place`, async () => {
    await eventually(async () => expect(await openStreams()).toBe(0))
    const streams = await Promise.all(Array.from({ length: MAX_STREAMS }, open))
    await Promise.all(streams.map((stream) => stream.waitFor('pronto')))
    expect(await openStreams()).toBe(MAX_STREAMS)

    const refused = await open()
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('5')
    expect(await refused.body()).toEqual({ erro: expect.stringMatching(/limite/i) })

    streams[0]?.close()
    await eventually(async () => expect(await openStreams()).toBe(MAX_STREAMS - 1))
    const again = await open()
    expect(again.status).toBe(200)
    await again.waitFor('pronto')

    for (const stream of [...streams, again]) stream.close()
    await eventually(async () => expect(await openStreams()).toBe(0))
  })
})

describe('HEAD /api/events', () => {
  it('answers the headers of a stream and keeps no stream open', async () => {
    await eventually(async () => expect(await openStreams()).toBe(0))

    const res = await fetch(`${server.url}/api/events`, { method: 'HEAD' })

    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    expect(await openStreams()).toBe(0)
  })
})

describe('shutting down with event streams open', () => {
  it('ends the streams at once, so the drain does not wait for SHUTDOWN_TIMEOUT_MS', async () => {
    const own = await startTestServer({
      env: { LOG_LEVEL: 'silent', SHUTDOWN_TIMEOUT_MS: '10000' },
    })
    const streams = await Promise.all(
      Array.from({ length: 3 }, () => openEventStream(`${own.url}/api/events`)),
    )
    await Promise.all(streams.map((stream) => stream.waitFor('pronto')))

    const started = performance.now()
    await own.stop()

    expect(performance.now() - started).toBeLessThan(3_000)
    for (const stream of streams) stream.close()
  })
})
