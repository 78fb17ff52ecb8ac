import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { createEventHub, type EventSink, type LiveEvent } from './hub.js'

function recordingSink() {
  const received: LiveEvent[] = []
  let closed = false
  const sink: EventSink = {
    send: (event) => received.push(event),
    close: () => {
      closed = true
    },
  }
  return { sink, received, isClosed: () => closed }
}

const counter = (contador: number): LiveEvent => ({ event: 'contador', data: { contador } })

async function gauge(metrics: Registry): Promise<number> {
  const text = await metrics.metrics()
  return Number(/^event_streams_open (\d+)$/m.exec(text)?.[1])
}

describe('the event hub', () => {
  it('gives at most maxStreams places, and a released place can be taken again', () => {
    const hub = createEventHub({ maxStreams: 2, metrics: new Registry() })
    const first = hub.reserve()
    const second = hub.reserve()

    expect(first).toBeDefined()
    expect(second).toBeDefined()
    expect(hub.reserve()).toBeUndefined()
    first?.release()
    first?.release()
    expect(hub.size).toBe(1)
    expect(hub.reserve()).toBeDefined()
  })

  it('sends a broadcast to every attached stream, and to none released', () => {
    const hub = createEventHub({ maxStreams: 10, metrics: new Registry() })
    const [a, b] = [recordingSink(), recordingSink()]
    const slotA = hub.reserve()
    const slotB = hub.reserve()
    slotA?.attach(a.sink)
    slotB?.attach(b.sink)

    hub.broadcast(counter(1))
    slotB?.release()
    hub.broadcast(counter(2))

    expect(a.received).toEqual([counter(1), counter(2)])
    expect(b.received).toEqual([counter(1)])
  })

  it('counts the open streams in event_streams_open', async () => {
    const metrics = new Registry()
    const hub = createEventHub({ maxStreams: 10, metrics })
    const slots = [hub.reserve(), hub.reserve(), hub.reserve()]
    expect(await gauge(metrics)).toBe(3)

    for (const slot of slots) slot?.release()
    expect(await gauge(metrics)).toBe(0)
  })

  it('once closed, ends every stream (even one attached later) and refuses new ones', () => {
    const hub = createEventHub({ maxStreams: 10, metrics: new Registry() })
    const open = recordingSink()
    const late = recordingSink()
    hub.reserve()?.attach(open.sink)
    const reservedBeforeClose = hub.reserve()

    hub.close()
    reservedBeforeClose?.attach(late.sink)

    expect(open.isClosed()).toBe(true)
    expect(late.isClosed()).toBe(true)
    expect(hub.size).toBe(0)
    expect(hub.reserve()).toBeUndefined()
  })
})
