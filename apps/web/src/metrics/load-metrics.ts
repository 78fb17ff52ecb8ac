import { Counter, Gauge, type Registry } from 'prom-client'
import type { RequestGate } from '../middleware/load-shed.js'

/** The gate's load, read when scraped, and the requests it turned away; returns what counts one of those. */
export function watchRequestGate(registry: Registry, gate: RequestGate): () => void {
  new Gauge({
    name: 'http_requests_in_flight',
    help: 'Requests being answered, probes left out (at most MAX_REQUESTS_IN_FLIGHT).',
    registers: [registry],
    collect() {
      this.set(gate.inFlight)
    },
  })
  new Gauge({
    name: 'http_requests_queued',
    help: 'Requests waiting for a place to be answered (at most MAX_REQUESTS_QUEUED).',
    registers: [registry],
    collect() {
      this.set(gate.queued)
    },
  })
  const shed = new Counter({
    name: 'http_requests_shed_total',
    help: 'Requests answered 503 at once because the in-flight limit and the queue were full.',
    registers: [registry],
  })
  return () => shed.inc()
}
