// The ceiling of Node's HTTP layer: answers each path with bytes fixed at start (BENCH_BODIES, a JSON object from
// path to body: what the app answered there), doing nothing else.
import { notFound, requiredEnv, sendJson, serve } from './serve.js'

const bodies = new Map(
  Object.entries(JSON.parse(requiredEnv('BENCH_BODIES')) as Record<string, string>),
)

serve((request, response) => {
  const body = bodies.get(request.url ?? '')
  if (body === undefined) return notFound(response)
  sendJson(response, 200, body)
})
