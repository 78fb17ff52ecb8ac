// Overload: 2,000 connections, each sending its next request as soon as it has an answer, for 15 s on each of
// three routes, against the built app in a child process on a throwaway database. Prints one row per route and
// exits 1 when a target is missed: no socket error, every answer a 200/201 or a 503 JSON, none later than
// REQUEST_TIMEOUT_MS + 1 s, p99 <= 2 s, peak RSS < 200 MB, /status healthy right after.
//   pnpm --filter web build && pnpm --filter web overload [--seconds 15] [--connections 2000]
//     [--log-level info] [--env NAME=value ...] [--node-arg=--cpu-prof ...] [--only POST] [--node <path>]
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { spawnNode } from '@repo/testing/node-process'
import { freePort } from '@repo/testing/ports'
import autocannon from 'autocannon'
import { parseConfig } from '../src/config.js'
import { hasBundle } from '../test/support/child-process.js'
import { type AppUnderTest, residentMiB, startAppUnderTest } from './app-under-test.js'
// As the image runs the app: the heap limits are part of what is measured.
import { IMAGE_ENV, IMAGE_NODE_FLAGS } from './image-runtime.js'

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '2000' },
    'log-level': { type: 'string', default: 'info' },
    /** Settings of the app to try, e.g. --env MAX_REQUESTS_IN_FLIGHT=64. */
    env: { type: 'string', multiple: true, default: [] },
    /** Flags for the app's node, after the image's heap limit, e.g. --node-arg=--cpu-prof. */
    'node-arg': { type: 'string', multiple: true, default: [] },
    /** Only the routes whose name contains this, e.g. --only POST. */
    only: { type: 'string', default: '' },
    /** The node binary to run the app on, e.g. the image's Node 24; default: the one running this script. */
    node: { type: 'string', default: process.execPath },
    /**
     * Also flood a bare node:http server that spends this many µs of CPU per request (see overload-reference.mjs),
     * on the same node, for a reference measured in the same run; 0: none.
     */
    reference: { type: 'string', default: '0' },
  },
})
function positiveInteger(name: string, text: string): number {
  const value = Number(text)
  if (Number.isInteger(value) && value >= 1) return value
  throw new Error(`--${name} must be a positive integer`)
}
const seconds = positiveInteger('seconds', flags.seconds)
const connections = positiveInteger('connections', flags.connections)
const extraEnv = Object.fromEntries(
  flags.env.map((pair) => {
    const at = pair.indexOf('=')
    if (at < 1) throw new Error(`--env takes NAME=value, not ${pair}`)
    return [pair.slice(0, at), pair.slice(at + 1)]
  }),
)
const requestTimeoutMs = parseConfig({
  DATABASE_URL: 'postgres://db/app',
  ...extraEnv,
}).REQUEST_TIMEOUT_MS

const appNode = {
  path: flags.node,
  version: execFileSync(flags.node, ['--version'], { encoding: 'utf8' }).trim(),
}

const TARGETS = {
  p99Ms: 2_000,
  slowestMs: requestTimeoutMs + 1_000,
  peakRssMiB: 200 / 1.048_576,
}

/** One file descriptor per connection in each process, and room for the pools, logs and Node itself. */
const FILES_NEEDED = connections + 1024

/**
 * The app inherits this process's limit on open files. When it is too low for the connections, run again under
 * a shell that raises the soft limit (up to the hard one); Node itself cannot change it.
 */
function ensureOpenFileLimit(): void {
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim())
  if (!Number.isFinite(limit) || limit >= FILES_NEEDED) return
  if (process.env.OVERLOAD_RAISED_ULIMIT) {
    throw new Error(`ulimit -n is ${limit} and could not be raised to ${FILES_NEEDED}`)
  }
  console.log(`ulimit -n is ${limit}: raising it to ${FILES_NEEDED} and running again`)
  execFileSync(
    'sh',
    [
      '-c',
      `ulimit -n ${FILES_NEEDED} && exec "$0" "$@"`,
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    { stdio: 'inherit', env: { ...process.env, OVERLOAD_RAISED_ULIMIT: '1' } },
  )
  process.exit(0)
}

interface Route {
  name: string
  method: 'GET' | 'POST'
  path: string
  body?: string
  /** The status of a success. */
  ok: number
}

const ROUTES: Route[] = [
  { name: 'GET /api/posts', method: 'GET', path: '/api/posts', ok: 200 },
  { name: 'GET /api/posts/cache', method: 'GET', path: '/api/posts/cache', ok: 200 },
  {
    name: 'POST /api/posts',
    method: 'POST',
    path: '/api/posts',
    body: JSON.stringify({
      titulo: 'sobrecarga',
      conteudo: 'texto '.repeat(40),
      autor: 'overload',
    }),
    ok: 201,
  },
]

interface Row {
  route: Route
  statuses: Record<string, number>
  /** 503s whose body is the contract's JSON error, and of those, how many carried Retry-After. */
  jsonUnavailable: number
  withRetryAfter: number
  /** Answers that are neither a success nor a 503 JSON. */
  wrong: number
  socketErrors: number
  timeouts: number
  p50: number
  p99: number
  slowest: number
  peakRssMiB: number
  peakParts: PeakParts
  statusAfter: { status: number; ms: number }
}

/** What the app's memory was made of when its RSS peaked, in MiB: /proc's parts of the RSS, V8's from the app. */
interface PeakParts {
  anon: number
  file: number
  /** Of `file`, what the kernel mapped in 2 MiB pages (FilePmdMapped): counted whole, however little is used. */
  fileInHugePages: number
  heapTotal: number
  heapUsed: number
  external: number
}

/** The app's RSS every 100 ms until stopped: the highest value, and what it was made of around then. */
function sampleRss(app: AppUnderTest) {
  let peak = 0
  let parts: PeakParts = {
    anon: 0,
    file: 0,
    fileInHugePages: 0,
    heapTotal: 0,
    heapUsed: 0,
    external: 0,
  }
  let running = true
  const done = (async () => {
    while (running) {
      const resident = await residentMiB(app.pid).catch(() => undefined)
      if (resident !== undefined && resident.rss > peak) {
        peak = resident.rss
        const [usage, fileInHugePages] = await Promise.all([
          app.ask('memory').catch(() => undefined) as Promise<NodeJS.MemoryUsage | undefined>,
          filePmdMappedMiB(app.pid),
        ])
        const mib = (bytes: number | undefined) => (bytes ?? Number.NaN) / 2 ** 20
        parts = {
          anon: resident.anon,
          file: resident.file,
          fileInHugePages,
          heapTotal: mib(usage?.heapTotal),
          heapUsed: mib(usage?.heapUsed),
          external: mib(usage?.external),
        }
      }
      await sleep(100)
    }
  })()
  return async () => {
    running = false
    await done
    return { peak, parts }
  }
}

async function filePmdMappedMiB(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '')
  return Number(/^FilePmdMapped:\s+(\d+) kB$/m.exec(rollup)?.[1] ?? Number.NaN) / 1024
}

async function statusNow(app: AppUnderTest): Promise<{ status: number; ms: number }> {
  const started = performance.now()
  const response = await fetch(`${app.url}/status`, { signal: AbortSignal.timeout(5_000) }).catch(
    () => undefined,
  )
  await response?.arrayBuffer()
  return { status: response?.status ?? 0, ms: performance.now() - started }
}

function isJsonError(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { erro?: unknown }
    return typeof parsed.erro === 'string'
  } catch {
    return false
  }
}

async function hammer(url: string, route: Route, durationSeconds: number, load: number) {
  const counts = { jsonUnavailable: 0, withRetryAfter: 0, wrong: 0 }
  const result = await autocannon({
    url,
    connections: load,
    duration: durationSeconds,
    // Longer than any answer may take: a late answer is measured, not cut.
    timeout: Math.ceil((requestTimeoutMs + 20_000) / 1000),
    requests: [
      {
        method: route.method,
        path: route.path,
        ...(route.body === undefined
          ? {}
          : { body: route.body, headers: { 'content-type': 'application/json' } }),
        onResponse: (status: number, body: string, _context: unknown, headers?: object) => {
          if (status === route.ok) return
          if (status === 503 && isJsonError(body)) {
            counts.jsonUnavailable++
            const names = Object.keys(headers ?? {}).map((name) => name.toLowerCase())
            if (names.includes('retry-after')) counts.withRetryAfter++
            return
          }
          counts.wrong++
        },
      },
    ],
  })
  return { result, ...counts }
}

async function measure(app: AppUnderTest, route: Route): Promise<Row> {
  const stopSampling = sampleRss(app)
  const { result, ...counts } = await hammer(app.url, route, seconds, connections)
  const { peak: peakRssMiB, parts: peakParts } = await stopSampling()
  const statusAfter = await statusNow(app)
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]),
  )
  return {
    route,
    statuses,
    ...counts,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    slowest: result.latency.max,
    peakRssMiB,
    peakParts,
    statusAfter,
  }
}

const sec = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`)
const mb = (mib: number) => `${Math.round(mib * 1.048_576)} MB`

function answered(row: Row): string {
  return Object.entries(row.statuses)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([code, count]) => `${count.toLocaleString('en')} × ${code}`)
    .join(', ')
}

function missed(row: Row): string[] {
  const misses: string[] = []
  if (row.socketErrors > 0) misses.push(`${row.socketErrors} socket errors`)
  if (row.wrong > 0) misses.push(`${row.wrong} answers neither ${row.route.ok} nor a 503 JSON`)
  if (row.slowest > TARGETS.slowestMs) misses.push(`slowest ${sec(row.slowest)}`)
  if (row.p99 > TARGETS.p99Ms) misses.push(`p99 ${sec(row.p99)}`)
  if (row.peakRssMiB >= TARGETS.peakRssMiB) misses.push(`peak RSS ${mb(row.peakRssMiB)}`)
  if (row.statusAfter.status !== 200) misses.push(`/status ${row.statusAfter.status} after`)
  return misses
}

function printTable(rows: Row[]): void {
  console.log(
    '\n| route | answered | socket errors | p50 | p99 | slowest | peak RSS | /status after |',
  )
  console.log('|---|---|---|---|---|---|---|---|')
  for (const row of rows) {
    const shed =
      row.jsonUnavailable > 0
        ? ` (503s: ${row.withRetryAfter.toLocaleString('en')} with Retry-After)`
        : ''
    console.log(
      `| \`${row.route.name}\` | ${answered(row)}${shed} | ${row.socketErrors}${row.timeouts ? ` (${row.timeouts} timeouts)` : ''} | ${sec(row.p50)} | ${sec(row.p99)} | ${sec(row.slowest)} | ${mb(row.peakRssMiB)} | ${row.statusAfter.status} in ${sec(row.statusAfter.ms)} |`,
    )
  }
}

const referenceCpuUs = Number(flags.reference)
if (!Number.isInteger(referenceCpuUs) || referenceCpuUs < 0) {
  throw new Error('--reference takes a whole number of µs')
}

/** The same flood on overload-reference.mjs: its slowest answer and p99 are what Node alone gives. */
async function floodReference(): Promise<void> {
  const port = await freePort()
  const reference = spawnNode(
    [fileURLToPath(new URL('./overload-reference.mjs', import.meta.url))],
    {
      cwd: process.cwd(),
      env: { PORT: String(port), CPU_US: String(referenceCpuUs) },
      nodeBinary: appNode.path,
    },
  )
  try {
    await reference.waitForStdout(/listening/)
    const route: Route = { name: 'reference', method: 'GET', path: '/', ok: 200 }
    const url = `http://127.0.0.1:${port}`
    await hammer(url, route, 2, 32)
    const { result } = await hammer(url, route, seconds, connections)
    console.log(
      `\nreference: bare node:http spending ${referenceCpuUs} µs of CPU per request, Node ${appNode.version}, the same flood: ${result.requests.total.toLocaleString('en')} answers, ${result.errors} socket errors, p50 ${sec(result.latency.p50)}, p99 ${sec(result.latency.p99)}, slowest ${sec(result.latency.max)}`,
    )
  } finally {
    await reference.stop('SIGTERM')
  }
}

ensureOpenFileLimit()
if (!hasBundle()) throw new Error('no dist/server/index.js: run `pnpm --filter web build` first')
const cpu = cpus()
const imageEnvNote = Object.entries(IMAGE_ENV)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ')
const nodeArgsNote = [...IMAGE_NODE_FLAGS, ...flags['node-arg']].join(' ')
const extraEnvNote = flags.env.length ? `, ${flags.env.join(' ')}` : ''
console.log(
  `overload: ${connections} connections for ${seconds} s on each route, LOG_LEVEL=${flags['log-level']}, NODE_ENV=production, ${imageEnvNote}, node ${nodeArgsNote}${extraEnvNote}`,
)
console.log(
  `machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? '?'}); the load generator (Node ${process.version}), the app (Node ${appNode.version}), PostgreSQL and Redis share them`,
)
const app = await startAppUnderTest({
  fromSource: false,
  logLevel: flags['log-level'],
  env: { NODE_ENV: 'production', ...IMAGE_ENV, ...extraEnv },
  nodeArgs: [...IMAGE_NODE_FLAGS, ...flags['node-arg']],
  nodeBinary: appNode.path,
})
let failures = 0
try {
  console.log(`app: ${app.runs}, pid ${app.pid}, log ${app.logFile}\n     ${app.data}`)
  // Not measured: the JIT and the pools warm up.
  const routes = ROUTES.filter(({ name }) => name.includes(flags.only))
  for (const route of routes) await hammer(app.url, route, 2, 32)
  const rows: Row[] = []
  for (const route of routes) {
    const row = await measure(app, route)
    rows.push(row)
    const misses = missed(row)
    failures += misses.length
    console.log(`${route.name}: ${misses.length === 0 ? 'every target met' : misses.join('; ')}`)
    const { anon, file, fileInHugePages, heapTotal, heapUsed, external } = row.peakParts
    console.log(
      `  at the RSS peak: anonymous ${mb(anon)}, mapped files ${mb(file)} (${mb(fileInHugePages)} of it in 2 MiB pages); ` +
        `V8 heap ${mb(heapTotal)} reserved, ${mb(heapUsed)} used; external ${mb(external)}`,
    )
    await sleep(2_000)
  }
  printTable(rows)
} finally {
  await app.cleanup()
}
if (referenceCpuUs > 0) await floodReference()
process.exit(failures === 0 ? 0 : 1)
