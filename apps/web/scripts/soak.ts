// Soak test: mixed traffic at a fixed rate against the app in a child process, on a throwaway database.
//   pnpm --filter web soak [--seconds 60] [--rate 200] [--connections 64] [--warmup 5] [--log-level info]
//     [--source: run src/index.ts through tsx even when dist/ has a bundle]
import { cpus } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { type AppUnderTest, type Memory, startAppUnderTest } from './app-under-test.js'
import { type Call, type Client, createClient } from './http-client.js'
import { Latencies, ms } from './latency.js'

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '200' },
    connections: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '5' },
    'log-level': { type: 'string', default: 'info' },
    source: { type: 'boolean', default: false },
  },
})
const positive = (name: string, value: string) => {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1)
    throw new Error(`--${name} must be a positive integer`)
  return number
}
const seconds = positive('seconds', flags.seconds)
const rate = positive('rate', flags.rate)
const connections = positive('connections', flags.connections)
const warmup = Number(flags.warmup)
if (!Number.isInteger(warmup) || warmup < 0)
  throw new Error('--warmup must be a whole number of seconds')

/** Share of each kind of request, out of 100. */
const MIX = { list: 20, cache: 25, byId: 15, create: 10, counter: 10, stats: 10, health: 10 }
type Kind = keyof typeof MIX
/** 100 slots in a fixed shuffled order, so that any 100 consecutive requests follow MIX exactly. */
const SLOTS: Kind[] = (Object.entries(MIX) as [Kind, number][])
  .flatMap(([kind, share]) => Array<Kind>(share).fill(kind))
  .map((kind, i) => ({ kind, order: (i * 37) % 100 }))
  .sort((a, b) => a.order - b.order)
  .map(({ kind }) => kind)

const knownIds = [1, 2, 3]

function callFor(kind: Kind, n: number): Call {
  switch (kind) {
    case 'list':
      return { method: 'GET', path: `/api/posts?limit=20&offset=${n % 5}` }
    case 'cache':
      return { method: 'GET', path: '/api/posts/cache' }
    case 'byId':
      return { method: 'GET', path: `/api/posts/${knownIds[n % knownIds.length]}` }
    case 'create':
      return {
        method: 'POST',
        path: '/api/posts',
        body: JSON.stringify({ titulo: `soak ${n}`, conteudo: 'texto '.repeat(40), autor: 'soak' }),
      }
    case 'counter':
      return { method: 'GET', path: '/api/contador' }
    case 'stats':
      return { method: 'GET', path: '/api/stats' }
    case 'health':
      return { method: 'GET', path: '/health' }
  }
}

interface Phase {
  sent: number
  answered: number
  /** Non-2xx answers, by status; 0 counts network errors. */
  statuses: Map<number, number>
  unanswered: number
  latencies: Latencies
  byKind: Record<Kind, { count: number; errors: number }>
  seconds: number
  peakRss: number
}

/** Sends `seconds` of traffic at `rate` req/s, open loop: a slow answer never delays the next request. */
async function runPhase(app: AppUnderTest, client: Client, seconds: number, report: boolean) {
  const phase: Phase = {
    sent: 0,
    answered: 0,
    statuses: new Map(),
    unanswered: 0,
    latencies: new Latencies(),
    byKind: Object.fromEntries(
      (Object.keys(MIX) as Kind[]).map((kind) => [kind, { count: 0, errors: 0 }]),
    ) as Phase['byKind'],
    seconds: 0,
    peakRss: 0,
  }
  const total = seconds * rate
  const inFlight = new Set<Promise<void>>()
  const start = performance.now()
  let lastAnswerAt = start

  const fire = (n: number) => {
    const kind = SLOTS[n % SLOTS.length] as Kind
    const scheduledAt = start + (n * 1000) / rate
    const done = client.send(callFor(kind, n)).then(({ status, body }) => {
      lastAnswerAt = performance.now()
      // From the scheduled time, not the actual send: a stalled client or server shows up as latency.
      phase.latencies.add(lastAnswerAt - scheduledAt)
      phase.answered++
      phase.byKind[kind].count++
      if (status < 200 || status >= 300) {
        phase.byKind[kind].errors++
        phase.statuses.set(status, (phase.statuses.get(status) ?? 0) + 1)
      } else if (kind === 'create') {
        knownIds.push((JSON.parse(body) as { id: number }).id)
      }
      inFlight.delete(done)
    })
    inFlight.add(done)
  }

  let nextReport = 10_000
  let nextSample = 0
  while (phase.sent < total) {
    const elapsed = performance.now() - start
    const due = Math.min(total, Math.floor((elapsed / 1000) * rate) + 1)
    while (phase.sent < due) fire(phase.sent++)
    if (elapsed >= nextSample) {
      nextSample += 5_000
      phase.peakRss = Math.max(phase.peakRss, (await app.memory()).rssMiB)
    }
    if (report && elapsed >= nextReport) {
      nextReport += 10_000
      const errors = [...phase.statuses.values()].reduce((a, b) => a + b, 0)
      console.log(
        `  ${Math.round(elapsed / 1000)} s: ${phase.answered} answered, ${errors} errors, ${inFlight.size} in flight`,
      )
    }
    await sleep(2)
  }
  await Promise.race([Promise.all(inFlight), sleep(15_000)])
  phase.unanswered = inFlight.size
  phase.seconds = (lastAnswerAt - start) / 1000
  return phase
}

const formatMemory = (m: Memory) =>
  `RSS ${m.rssMiB} MiB, heap ${m.heapUsedMiB} MiB used of ${m.heapTotalMiB} MiB`

function errorsOf(phase: Phase) {
  const nonOk = [...phase.statuses.values()].reduce((a, b) => a + b, 0)
  return { total: nonOk + phase.unanswered, network: phase.statuses.get(0) ?? 0, nonOk }
}

function latencyLine(phase: Phase) {
  const { p50, p99, max } = phase.latencies.summary()
  return `p50 ${ms(p50)}, p99 ${ms(p99)}, max ${ms(max)}`
}

async function soak(app: AppUnderTest) {
  const client = createClient(app.url, connections)
  try {
    if (warmup > 0) {
      const warm = await runPhase(app, client, warmup, false)
      console.log(
        `warm-up     ${warmup} s, not counted: ${warm.answered} answered, ${errorsOf(warm).total} errors, latency ${latencyLine(warm)}`,
      )
    }
    const startMemory = await app.memory()
    const phase = await runPhase(app, client, seconds, true)
    const endMemory = await app.memory()
    const errors = errorsOf(phase)
    const statuses = Object.fromEntries(phase.statuses)
    console.log(
      [
        `requests    ${phase.sent} sent, ${phase.answered} answered, ${phase.unanswered} unanswered 15 s after the last was sent`,
        `errors      ${errors.total} (non-2xx: ${errors.nonOk - errors.network}, network: ${errors.network}, unanswered: ${phase.unanswered})${errors.nonOk > 0 ? ` by status ${JSON.stringify(statuses)}` : ''}`,
        `latency     ${latencyLine(phase)} (from the scheduled send time)`,
        `throughput  ${(phase.answered / phase.seconds).toFixed(1)} req/s answered`,
        `memory      start: ${formatMemory(startMemory)}`,
        `            end:   ${formatMemory(endMemory)}`,
        `            peak RSS ${Math.max(phase.peakRss, endMemory.rssMiB)} MiB (sampled every 5 s)`,
        `mix         ${(Object.entries(phase.byKind) as [Kind, { count: number; errors: number }][])
          .map(
            ([kind, { count, errors: failed }]) =>
              `${kind} ${count}${failed ? ` (${failed} errors)` : ''}`,
          )
          .join(', ')}`,
      ].join('\n'),
    )
    return errors.total
  } finally {
    client.close()
  }
}

const cpu = cpus()
console.log(
  `soak: ${seconds} s at ${rate} req/s over at most ${connections} keep-alive connections, LOG_LEVEL=${flags['log-level']}`,
)
console.log(`machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? '?'}), Node ${process.version}`)
const app = await startAppUnderTest({ fromSource: flags.source, logLevel: flags['log-level'] })
let failures = 1
try {
  console.log(`app: ${app.runs}, pid ${app.pid}, log ${app.logFile}\n     ${app.data}`)
  failures = await soak(app)
} finally {
  await app.cleanup()
}
process.exit(failures === 0 ? 0 : 1)
