import type { Counter } from '@repo/contracts/counter'
import type { Post } from '@repo/contracts/posts'
import { Gauge, type Registry } from 'prom-client'

/** What an open stream of GET /api/events is told: the SSE event name and its JSON data. */
export type LiveEvent =
  | { event: 'post'; data: Post }
  | { event: 'contador'; data: Counter }
  /** Changes may have been missed (the database connection was lost and is back): read the state again. */
  | { event: 'sincronizar'; data: Record<string, never> }

/** One open stream, as the hub sees it. */
export interface EventSink {
  send(event: LiveEvent): void
  /** Ends the stream (the hub is closing, or the client reads too slowly). */
  close(): void
}

/** A place among the open streams, held from before the stream starts until it ends. */
export interface StreamSlot {
  /** From now on the sink gets every broadcast event. */
  attach(sink: EventSink): void
  /** Frees the place; safe to call twice. */
  release(): void
}

export interface EventHub {
  /** A place for one more stream, or undefined when `maxStreams` are open or the hub is closed. */
  reserve(): StreamSlot | undefined
  broadcast(event: LiveEvent): void
  /** Streams open (or about to open) on this instance. */
  readonly size: number
  /** Ends every stream and refuses new ones: the server is shutting down. */
  close(): void
}

/** The open event streams of one instance, at most `maxStreams` at once, counted in `event_streams_open`. */
export function createEventHub({
  maxStreams,
  metrics,
}: {
  maxStreams: number
  metrics: Registry
}): EventHub {
  const slots = new Set<StreamSlot>()
  const sinks = new Map<StreamSlot, EventSink>()
  let closed = false
  new Gauge({
    name: 'event_streams_open',
    help: 'Server-sent event streams (GET /api/events) open on this instance.',
    registers: [metrics],
    collect() {
      this.set(slots.size)
    },
  })

  return {
    reserve() {
      if (closed || slots.size >= maxStreams) return undefined
      const slot: StreamSlot = {
        attach(sink) {
          if (slots.has(slot)) sinks.set(slot, sink)
          else sink.close()
        },
        release() {
          slots.delete(slot)
          sinks.delete(slot)
        },
      }
      slots.add(slot)
      return slot
    },
    broadcast(event) {
      for (const sink of sinks.values()) sink.send(event)
    },
    get size() {
      return slots.size
    },
    close() {
      closed = true
      for (const [slot, sink] of sinks) {
        slot.release()
        sink.close()
      }
      slots.clear()
    },
  }
}
