// What the request frame (request id, security headers, request log, HTTP metrics) costs per request, in process:
// the same routes behind the app's load shedder and deadline, answered by app.request() with and without it, in
// alternating rounds so that both see the same machine.
//   node --import tsx scripts/middleware-cost.ts [--requests 20000] [--rounds 7]
import { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { Hono } from 'hono'
import { Registry } from 'prom-client'
import type { AppEnv } from '../src/app-env.js'
import { createLogger } from '../src/logger.js'
import { HttpMetrics } from '../src/metrics/http-metrics.js'
import { loadShed, RequestGate } from '../src/middleware/load-shed.js'
import { requestFrame } from '../src/middleware/request-frame.js'

const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '7' },
  },
})
const requests = Number(flags.requests)
const rounds = Number(flags.rounds)

/** Lines are serialised and handed to a stream, as on stdout, but the stream drops them: no terminal in the way. */
const sink = new Writable({ write: (_chunk, _encoding, done) => done() })
const logger = createLogger('info', (line) => sink.write(line))

function routes(app: Hono<AppEnv>) {
  const gate = new RequestGate({ maxInFlight: 64, maxQueued: 2048, maxQueueWaitMs: 5_000 })
  app.use(loadShed(gate, { deadlineMs: 10_000 }))
  app.get('/health', (c) => c.json({ status: 'healthy' }))
  app.get('/api/posts/:id', (c) => c.json({ id: Number(c.req.param('id')) }))
  return app
}
const bare = routes(new Hono<AppEnv>())
const observed = new Hono<AppEnv>()
observed.use(requestFrame(logger, new HttpMetrics(new Registry())))
routes(observed)

async function microsPerRequest(app: Hono<AppEnv>, path: string): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < requests; i++) await (await app.request(path)).arrayBuffer()
  return ((performance.now() - started) * 1000) / requests
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

// /health is a probe (its line is at debug, so not written at info); /api/posts/:id writes its info line.
for (const path of ['/health', '/api/posts/7']) {
  await microsPerRequest(bare, path)
  await microsPerRequest(observed, path)
  const without: number[] = []
  const withIt: number[] = []
  for (let round = 0; round < rounds; round++) {
    without.push(await microsPerRequest(bare, path))
    withIt.push(await microsPerRequest(observed, path))
  }
  const [a, b] = [median(without), median(withIt)]
  console.log(
    `${path.padEnd(14)} without ${a.toFixed(1)} µs  with ${b.toFixed(1)} µs  cost ${(b - a).toFixed(1)} µs per request (median of ${rounds} rounds of ${requests})`,
  )
}
