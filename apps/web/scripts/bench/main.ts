// `pnpm bench`: the built app under load, route by route, each beside reference servers that show what this
// machine can do for that route; ratios to them, not absolute numbers, are what compare between runs.
//   pnpm bench [--route health --route cache ...] [--seconds 4] [--rounds 3] [--warmup 3] [--connections 32]
//     [--app-only] [--skip-build] [--cold-starts 3] [--profile] [--json results.json] [--node <path>]
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { TEST_REDIS_URL } from '@repo/testing/redis'
import { startAppUnderTest } from '../app-under-test.js'
import { IMAGE_ENV, IMAGE_NODE_FLAGS } from '../image-runtime.js'
import { measureColdStart } from './cold-start.js'
import { combine, generateLoad, hasWrk, type LoadResult, type Measured, median } from './load.js'
import { cpuSeconds, describeMachine, pinProcesses, productionPayloadBytes } from './machine.js'
import { type CpuProfile, printSummary } from './profile.js'
import { type ReferenceServer, startReference } from './reference-servers.js'
import { type Check, printChecks, printRow, printTableHeader } from './report.js'
import {
  type BenchRoute,
  COLD_START_TARGET_MS,
  FLASK_TARGET,
  P99_TARGET_MS,
  PEAK_MEMORY_TARGET_MIB,
  type ReferenceName,
  ROUTES,
} from './routes.js'

const APP_DIR = fileURLToPath(new URL('../../', import.meta.url))
const PROFILE_PROBE = new URL('./profile-probe.mjs', import.meta.url).href
/**
 * The production settings of the image (infra/Dockerfile), with the defaults of everything else but the cache's
 * TTL: long enough that the copy under posts_cache outlives the run, so that every request of the cache route is
 * a hit, the app's and its references' alike.
 */
const PRODUCTION_ENV = { NODE_ENV: 'production', ...IMAGE_ENV, CACHE_TTL_SECONDS: '3600' }

const { values: flags } = parseArgs({
  options: {
    route: { type: 'string', multiple: true },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    'app-only': { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    'cold-starts': { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
    /** Run node with V8's own heap sizing instead of the image's flags, to compare the two. */
    'v8-defaults': { type: 'boolean', default: false },
    json: { type: 'string' },
    /** The node that runs the app and the reference servers, e.g. the image's Node 24. */
    node: { type: 'string', default: process.execPath },
  },
})
const wholeNumber = (name: string, min: number) => {
  const value = Number(flags[name as keyof typeof flags])
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${name} must be an integer ≥ ${min}`)
  return value
}
const seconds = wholeNumber('seconds', 1)
const rounds = wholeNumber('rounds', 1)
const warmupSeconds = wholeNumber('warmup', 0)
const connections = wholeNumber('connections', 1)
const coldStarts = wholeNumber('cold-starts', 0)
const unknownRoutes = (flags.route ?? []).filter((name) => !ROUTES.some((r) => r.name === name))
if (unknownRoutes.length > 0) {
  throw new Error(
    `unknown --route ${unknownRoutes.join(', ')}; routes: ${ROUTES.map((r) => r.name).join(', ')}`,
  )
}
const routes = flags.route ? ROUTES.filter((route) => flags.route?.includes(route.name)) : ROUTES

if (!(await hasWrk())) {
  console.error('pnpm bench needs wrk: apt-get install -y wrk')
  process.exit(1)
}
if (!flags['skip-build']) {
  console.log('building the app (node build.mjs)…')
  execFileSync(process.execPath, ['build.mjs'], { cwd: APP_DIR, stdio: 'inherit' })
}
const pinning = pinProcesses()
/** As the image starts node (infra/Dockerfile): its heap limits are part of what is measured. */
const nodeArgs = flags['v8-defaults'] ? [] : [...IMAGE_NODE_FLAGS]
const nodeArgsNote =
  nodeArgs.length > 0
    ? `${nodeArgs.join(' ')} (the image's flags)`
    : "with V8's own heap sizing (--v8-defaults)"

console.log(
  `bench: per route, ${warmupSeconds} s of warm-up for each server, then ${rounds} rounds of ${seconds} s on each in turn (medians of the rounds); wrk with ${connections} connections`,
)
const nodeBinary = flags.node
const machine = describeMachine(nodeBinary)
console.log(`machine: ${machine}; ${pinning.note}`)
console.log(`node flags of the app: ${nodeArgsNote}`)

const app = await startAppUnderTest({
  fromSource: false,
  logLevel: 'info',
  env: PRODUCTION_ENV,
  nodeArgs,
  nodeBinary,
  preload: flags.profile ? [PROFILE_PROBE] : [],
})
const references = new Map<ReferenceName, ReferenceServer>()
const results: Array<{ route: string; server: string; result: Measured }> = []
const checks: Check[] = []

async function get(url: string, route: BenchRoute): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}${route.path}`, {
    method: route.method,
    ...(route.body === undefined
      ? {}
      : { body: route.body, headers: { 'content-type': 'application/json' } }),
  })
  return { status: response.status, body: await response.text() }
}

/** Asks each route once and checks its answer; the cache route twice, so that its copy is stored. */
async function answersOfTheApp(): Promise<Map<string, string>> {
  const bodies = new Map<string, string>()
  for (const route of routes) {
    if (route.method !== 'GET') continue
    await get(app.url, route)
    const { status, body } = await get(app.url, route)
    if (status !== route.status) throw new Error(`${route.label} answered ${status}: ${body}`)
    bodies.set(route.path, body)
  }
  return bodies
}

async function startReferences(bodies: Map<string, string>): Promise<void> {
  const wanted = new Set(routes.flatMap((route) => route.references.map(({ name }) => name)))
  const env = {
    DATABASE_URL: app.databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: app.keyPrefix,
    BENCH_BODIES: JSON.stringify(Object.fromEntries(bodies)),
  }
  for (const name of wanted) references.set(name, await startReference(name, env, { nodeBinary }))
  // The same bytes as the app's: checked where a reference answers what the app answers.
  const ceiling = references.get('node:http')
  for (const route of ceiling ? routes : []) {
    if (!route.references.some(({ name }) => name === 'node:http')) continue
    const { body } = await get(ceiling?.url ?? '', route)
    if (body !== bodies.get(route.path)) throw new Error(`node:http differs on ${route.label}`)
  }
  const postgres = references.get('postgres')
  const byId = routes.find((route) => route.name === 'post')
  if (postgres && byId) {
    const { body } = await get(postgres.url, byId)
    if (body !== bodies.get(byId.path)) {
      throw new Error(
        `the postgres reference and the app differ on ${byId.label}:\n${body}\n${bodies.get(byId.path)}`,
      )
    }
  }
}

/** Makes sure posts_cache holds the page that every server of the cache route serves. */
async function storeCachedPage(route: BenchRoute): Promise<void> {
  await get(app.url, route)
  const { body } = await get(app.url, route)
  if (!body.startsWith('{"fonte":"cache"')) {
    throw new Error(`expected a cache hit, got ${body.slice(0, 40)}`)
  }
}

interface Server {
  name: string
  pid: number
  url: string
  target?: number
}

/**
 * Warms every server of the route up, then measures them in turn, `rounds` times: servers measured next to each
 * other see the same machine, so the ratio of each round compares like with like, and the median of the rounds
 * leaves out a round that other work on the machine slowed down.
 */
async function measureRoute(route: BenchRoute, servers: Server[]): Promise<Map<string, Measured>> {
  const loadOf = (server: Server, seconds: number) => ({
    url: `${server.url}${route.path}`,
    method: route.method,
    body: route.body,
    connections,
    seconds,
    cpu: pinning.load,
  })
  if (route.name === 'cache') await storeCachedPage(route)
  for (const server of servers) {
    if (warmupSeconds > 0) await generateLoad(loadOf(server, warmupSeconds))
  }
  const slices = new Map<string, LoadResult[]>(servers.map((server) => [server.name, []]))
  for (let round = 0; round < rounds; round++) {
    for (const server of servers) {
      if (route.name === 'cache') await storeCachedPage(route)
      const cpuBefore = await cpuSeconds(server.pid)
      const slice = await generateLoad(loadOf(server, seconds))
      const cpu = (await cpuSeconds(server.pid)) - cpuBefore
      slices.get(server.name)?.push({ ...slice, cpuUsPerRequest: (cpu * 1e6) / slice.requests })
    }
  }
  const ofApp = slices.get('app') ?? []
  return new Map(
    servers.map((server) => {
      const own = slices.get(server.name) ?? []
      const ratios = own.map((slice, i) => (ofApp[i]?.perSecond ?? 0) / slice.perSecond)
      return [server.name, { ...combine(own), ratio: median(ratios) }]
    }),
  )
}

async function benchRoute(route: BenchRoute): Promise<void> {
  const servers: Server[] = [{ name: 'app', pid: app.pid, url: app.url }]
  for (const { name, target } of flags['app-only'] ? [] : route.references) {
    const server = references.get(name)
    if (server) servers.push({ name, pid: server.pid, url: server.url, target })
  }
  const measured = await measureRoute(route, servers)
  for (const [index, server] of servers.entries()) {
    const result = measured.get(server.name)
    if (!result) continue
    results.push({ route: route.name, server: server.name, result })
    if (index === 0) {
      printRow(route.label, 'app', result)
      checks.push({ what: `${route.label}: errors`, value: result.errors, target: 0, atMost: true })
      if (route.method !== 'POST') {
        checks.push({
          what: `${route.label}: p99 (ms)`,
          value: result.p99Ms,
          target: P99_TARGET_MS,
          atMost: true,
        })
      }
      continue
    }
    printRow('', server.name, result, { ratio: result.ratio, target: server.target })
    if (server.target !== undefined) {
      checks.push({
        what: `${route.label}: × ${server.name}`,
        value: result.ratio,
        target: server.target,
      })
    }
  }
  const ofApp = measured.get('app')
  if (route.flask !== undefined && ofApp) {
    const ratio = ofApp.perSecond / route.flask
    printRow('', 'Flask (earlier run)', { perSecond: route.flask }, { ratio, target: FLASK_TARGET })
    checks.push({ what: `${route.label}: × Flask`, value: ratio, target: FLASK_TARGET })
  }
}

try {
  console.log(
    `app: ${app.runs}, NODE_ENV=production, LOG_LEVEL=info, CACHE_TTL_SECONDS=3600, pid ${app.pid}, ${app.data}`,
  )
  const bodies = await answersOfTheApp()
  if (!flags['app-only']) await startReferences(bodies)
  if (flags.profile) await app.ask('profile:start')
  printTableHeader()
  for (const route of routes) await benchRoute(route)
  const profile = flags.profile
    ? ((await app.ask('profile:stop', 30_000)) as CpuProfile)
    : undefined

  const memory = await app.memory()
  const durations: number[] = []
  for (let run = 0; run < coldStarts; run++) {
    durations.push(
      await measureColdStart({
        databaseUrl: app.databaseUrl,
        keyPrefix: app.keyPrefix,
        env: PRODUCTION_ENV,
        nodeArgs,
        nodeBinary,
      }),
    )
  }
  const coldStartMs = durations.length > 0 ? Math.max(...durations) : undefined
  const payload = productionPayloadBytes(APP_DIR)

  console.log(
    `\napp memory: peak RSS ${memory.peakRssMiB} MiB (VmHWM, start to end); now RSS ${memory.rssMiB} MiB, heap ${memory.heapUsedMiB} MiB used of ${memory.heapTotalMiB} MiB`,
  )
  checks.push({
    what: 'peak RSS (MiB)',
    value: memory.peakRssMiB,
    target: PEAK_MEMORY_TARGET_MIB,
    atMost: true,
  })
  if (coldStartMs !== undefined) {
    console.log(
      `cold start (spawn to first /health 200, migrations applied, ${pinning.servers === undefined ? 'not pinned' : `on CPU ${pinning.servers} like the app`}): ${durations.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`,
    )
    checks.push({
      what: 'cold start, slowest (ms)',
      value: coldStartMs,
      target: COLD_START_TARGET_MS,
      atMost: true,
    })
  }
  console.log(
    `production payload (dist/ and package.json, as the image copies them): ${payload} bytes`,
  )
  printChecks(checks)
  if (profile) printSummary(profile)
  if (flags.json) {
    writeFileSync(
      flags.json,
      `${JSON.stringify({ machine, pinning: pinning.note, seconds, rounds, connections, results, peakRssMiB: memory.peakRssMiB, coldStartMs: durations, payloadBytes: payload, checks }, null, 2)}\n`,
    )
  }
} finally {
  await Promise.allSettled([...references.values()].map((server) => server.stop()))
  await app.cleanup()
}
