// Throughput and latency of three reads at saturation: N connections, each sending its next request as soon as the
// last one is answered, against the app in a child process on a throwaway database.
//   pnpm --filter web bench [--seconds 10] [--connections 32] [--log-level info] [--source]
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { type AppUnderTest, startAppUnderTest } from './app-under-test.js'
import { type Call, createClient } from './http-client.js'
import { Latencies, ms } from './latency.js'

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    'log-level': { type: 'string', default: 'info' },
    source: { type: 'boolean', default: false },
  },
})
const seconds = Number(flags.seconds)
const connections = Number(flags.connections)
for (const [name, value] of [
  ['seconds', seconds],
  ['connections', connections],
] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`)
}

const TARGETS: Array<{ name: string; call: Call }> = [
  { name: 'GET /health', call: { method: 'GET', path: '/health' } },
  { name: 'GET /api/posts/cache (hit)', call: { method: 'GET', path: '/api/posts/cache' } },
  { name: 'GET /api/posts', call: { method: 'GET', path: '/api/posts' } },
]
/** Not measured: lets the JIT and the connection pools warm up before each target. */
const WARMUP_SECONDS = 2

/** Every connection sends `call` again as soon as it has its answer, for `durationMs`. */
async function saturate(app: AppUnderTest, call: Call, durationMs: number) {
  const client = createClient(app.url, connections)
  const latencies = new Latencies()
  let errors = 0
  const start = performance.now()
  const deadline = start + durationMs
  const loop = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now()
      const { status } = await client.send(call)
      latencies.add(performance.now() - sent)
      if (status < 200 || status >= 300) errors++
    }
  }
  await Promise.all(Array.from({ length: connections }, loop))
  const elapsedSeconds = (performance.now() - start) / 1000
  client.close()
  return { latencies, errors, perSecond: latencies.count / elapsedSeconds }
}

async function bench(app: AppUnderTest) {
  console.log('target                          req/s      p50        p99        max        errors')
  for (const { name, call } of TARGETS) {
    await saturate(app, call, WARMUP_SECONDS * 1000)
    if (call.path === '/api/posts/cache') {
      const { fonte } = (await (await fetch(`${app.url}${call.path}`)).json()) as { fonte: string }
      if (fonte !== 'cache') throw new Error(`expected a cache hit, got ${fonte}`)
    }
    const { latencies, errors, perSecond } = await saturate(app, call, seconds * 1000)
    const { p50, p99, max } = latencies.summary()
    console.log(
      [
        name.padEnd(31),
        perSecond.toFixed(0).padEnd(10),
        ms(p50).padEnd(10),
        ms(p99).padEnd(10),
        ms(max).padEnd(10),
        String(errors),
      ].join(' '),
    )
  }
}

const cpu = cpus()
console.log(
  `bench: ${seconds} s per target after ${WARMUP_SECONDS} s of warm-up, ${connections} keep-alive connections, LOG_LEVEL=${flags['log-level']}`,
)
console.log(
  `machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? '?'}), Node ${process.version}; the load generator, the app, PostgreSQL and Redis share them`,
)
const app = await startAppUnderTest({ fromSource: flags.source, logLevel: flags['log-level'] })
try {
  console.log(`app: ${app.runs}, pid ${app.pid}, ${app.data}`)
  await bench(app)
  const memory = await app.memory()
  console.log(
    `app memory after the runs: RSS ${memory.rssMiB} MiB, heap ${memory.heapUsedMiB} MiB used`,
  )
} finally {
  await app.cleanup()
}
