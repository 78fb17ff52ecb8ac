import { once } from 'node:events'
import { eventually } from '@repo/testing/eventually'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppProcess, startAppProcess } from '../support/child-process.js'
import { type EventStreamReader, openEventStream } from '../support/event-stream.js'

const HEAP_PROBE = new URL('../support/heap-probe.mjs', import.meta.url).href
const STREAMS = 200
/** What the heap may keep after the streams are gone: far less than the 200 streams took while open. */
const KEPT_AT_MOST_BYTES = 3 * 1024 * 1024

let app: AppProcess

/** The app's heap in use after a full garbage collection, in bytes. */
async function heapAfterGc(): Promise<number> {
  const answer = once(app.child, 'message')
  app.child.send('heap')
  const [{ heapUsed }] = (await answer) as [{ heapUsed: number }]
  return heapUsed
}

async function openStreams(): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text()
  return Number(/^event_streams_open (\d+)$/m.exec(text)?.[1])
}

/** Opens `count` streams, waits until each listens, then drops them all; the heap while they were open. */
async function openAndDrop(count: number): Promise<number> {
  const streams: EventStreamReader[] = await Promise.all(
    Array.from({ length: count }, () => openEventStream(`${app.url}/api/events`)),
  )
  await Promise.all(streams.map((stream) => stream.waitFor('pronto', undefined, 10_000)))
  expect(await openStreams()).toBe(count)
  const heapWhileOpen = await heapAfterGc()
  for (const stream of streams) stream.close()
  await eventually(async () => expect(await openStreams()).toBe(0), { timeoutMs: 10_000 })
  return heapWhileOpen
}

beforeAll(async () => {
  app = await startAppProcess({
    preload: [HEAP_PROBE],
    ipc: true,
    env: { LOG_LEVEL: 'warn', EVENT_STREAMS_MAX: String(STREAMS) },
  })
})

afterAll(() => app?.cleanup())

describe(`${STREAMS} event streams opened and dropped`, () => {
  it('leave no stream counted and give their memory back', async () => {
    // Once first, so that what is made once per process (the listening connection, compiled code) is there.
    await openAndDrop(STREAMS)
    const baseline = await heapAfterGc()

    const whileOpen = await openAndDrop(STREAMS)
    const after = await heapAfterGc()

    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
    console.log(
      `heap after GC: ${mib(baseline)} before, ${mib(whileOpen)} with ${STREAMS} streams open, ${mib(after)} after they were dropped`,
    )
    expect(await openStreams()).toBe(0)
    expect(after - baseline).toBeLessThan(KEPT_AT_MOST_BYTES)
  }, 60_000)
})
