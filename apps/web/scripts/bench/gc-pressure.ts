// `pnpm --filter web gc-pressure`: what a cache hit leaves to V8's young-generation collector, in the built app and
// in the one-Redis-call reference (references/redis.ts), both on node with the image's flags and on a private
// redis-server of this run.
// - What a request keeps alive while it waits for Redis: a heap snapshot, then `--waiting` requests with the
//   redis-server stopped (SIGSTOP), and a second snapshot. A scavenge copies what is alive, so this is what each
//   request in flight costs every scavenge.
// - What a request allocates, collected objects included (V8's sampling heap profiler), by module and function.
// - The scavenges under wrk at each of `--connections`, `--seconds` each: how often, and how long.
//   pnpm --filter web gc-pressure [--waiting 50] [--connections 1 --connections 32] [--seconds 5] [--node <path>]

import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { startPrivateRedis } from '@repo/testing/private-redis'
import { spawnAppProcess } from '../../test/support/child-process.js'
import { askOverIpc } from '../app-under-test.js'
import { IMAGE_ENV, IMAGE_NODE_FLAGS } from '../image-runtime.js'
import { censusPer, type HeapCensus, heapCensus } from './heap-census.js'
import { generateLoad, hasWrk, type LoadResult, median } from './load.js'
import { describeMachine, pinProcesses } from './machine.js'
import { attribute, type FrameCost } from './profile.js'
import { startReference } from './reference-servers.js'

const { values: flags } = parseArgs({
  options: {
    waiting: { type: 'string', default: '50' },
    connections: { type: 'string', multiple: true, default: ['1', '32', '128'] },
    seconds: { type: 'string', default: '5' },
    /** More flags for node, in both servers, e.g. `--node-arg=--single-threaded-gc` to compare. */
    'node-arg': { type: 'string', multiple: true, default: [] },
    /** The node that runs both servers, e.g. the image's Node 24. */
    node: { type: 'string', default: process.execPath },
    /** Functions and modules listed in what the app allocates per request. */
    top: { type: 'string', default: '12' },
    /** Also print the app's `--kinds` largest kinds of object per waiting request. */
    kinds: { type: 'string', default: '0' },
  },
})
const waiting = Number(flags.waiting)
const seconds = Number(flags.seconds)
const connectionCounts = flags.connections.map(Number)
/** The app's default MAX_REQUESTS_IN_FLIGHT: more would wait in its load shedder's queue instead. */
const MAX_WAITING = 64
if (!Number.isInteger(waiting) || waiting < 1 || waiting > MAX_WAITING) {
  throw new Error(`--waiting takes 1 to ${MAX_WAITING} requests`)
}
if (!(await hasWrk())) {
  console.error('pnpm --filter web gc-pressure needs wrk: apt-get install -y wrk')
  process.exit(1)
}

const nodeArgs = [...IMAGE_NODE_FLAGS, ...flags['node-arg']]
const PATH = '/api/posts/cache'
const GC_PROBE = new URL('./gc-probe.mjs', import.meta.url).href
const pinning = pinProcesses()
const work = mkdtempSync(join(tmpdir(), 'web-gc-pressure-'))
const redis = await startPrivateRedis()
const app = await spawnAppProcess({
  entry: 'bundle',
  redisUrl: redis.url,
  preload: [GC_PROBE],
  nodeArgs,
  nodeBinary: flags.node,
  ipc: true,
  outputFile: join(work, 'app.log'),
  env: {
    NODE_ENV: 'production',
    ...IMAGE_ENV,
    HEAP_SNAPSHOT_DIR: work,
    CACHE_TTL_SECONDS: '3600',
    // Long enough that the requests held by the stopped redis-server are still waiting at the second snapshot.
    REDIS_COMMAND_TIMEOUT_MS: '60000',
    REQUEST_TIMEOUT_MS: '60000',
  },
})

// Ctrl-C: the app's database, the private redis-server and the snapshots go too.
process.once('SIGINT', () => {
  void Promise.allSettled([app.cleanup(), redis.cleanup()]).finally(() => {
    rmSync(work, { recursive: true, force: true })
    process.exit(130)
  })
})

interface Server {
  name: string
  url: string
  child: ChildProcess
}

try {
  await app.waitUntilHealthy(120_000)
  // The first read stores the page; from the second on, every read is a hit.
  await send(new URL(PATH, app.url), 2)
  const reference = await startReference(
    'redis',
    { REDIS_URL: redis.url, REDIS_KEY_PREFIX: app.keyPrefix, HEAP_SNAPSHOT_DIR: work },
    { nodeArgs: [...nodeArgs, '--import', GC_PROBE], nodeBinary: flags.node, ipc: true },
  )
  const servers: Server[] = [
    { name: 'app', url: app.url, child: app.child },
    { name: 'redis', url: reference.url, child: reference.node.child },
  ]
  try {
    console.log(
      `GET ${PATH} (hit), the built app and references/redis.ts, node ${nodeArgs.join(' ')}`,
    )
    console.log(`${describeMachine(flags.node)}; ${pinning.note}`)
    console.log(
      `\nalive per request waiting for Redis (${waiting} waiting; heap snapshots, compiled code left out)`,
    )
    console.log(
      `${'server'.padEnd(8)} ${'bytes'.padStart(8)} ${'async fns'.padStart(10)} ${'contexts'.padStart(9)} ${'promises'.padStart(9)}`,
    )
    const censuses = []
    for (const server of servers) {
      const census = await heldPerWaitingRequest(server)
      printCensus(server.name, census)
      censuses.push(census)
    }
    if (Number(flags.kinds) > 0) printKinds(censuses, Number(flags.kinds))

    console.log(
      `\nallocated per request under wrk, ${seconds} s at 32 connections (V8's sampling heap profiler, collected objects included)`,
    )
    const allocations = []
    for (const server of servers) allocations.push(await allocatedPerRequest(server))
    printAllocations(servers, allocations, Number(flags.top))

    console.log(`\nscavenges under wrk, ${seconds} s at each number of connections`)
    console.log(
      `${'conns'.padStart(5)} ${'server'.padEnd(8)} ${'req/s'.padStart(8)} ${'req/scavenge'.padStart(13)} ${'median ms'.padStart(10)} ${'share of time'.padStart(14)}`,
    )
    for (const connections of connectionCounts) {
      for (const server of servers) await measureScavenges(server, connections)
    }
  } finally {
    await reference.stop()
  }
} finally {
  await app.cleanup()
  await redis.cleanup()
  rmSync(work, { recursive: true, force: true })
}
process.exit(0)

/**
 * What the heap holds per request while `waiting` requests wait on the stopped redis-server, each on a connection
 * of its own: the connection's objects (socket, parser) count too, alike in every node:http server. Not kept-alive
 * connections opened before the first snapshot: writing it blocks the server for longer than Node's keep-alive
 * timeout (5 s), which then closes them.
 */
async function heldPerWaitingRequest(server: Server): Promise<HeapCensus> {
  const url = new URL(PATH, server.url)
  const before = await snapshot(server)
  redis.freeze()
  const answers = Promise.all(Array.from({ length: waiting }, () => get(url, false)))
  let during: HeapCensus
  try {
    // Time for each request to reach its Redis command on a server with nothing else to do.
    await sleep(500)
    during = await snapshot(server)
  } finally {
    redis.thaw()
  }
  await answers
  return censusPer(before, during, waiting)
}

async function snapshot(server: Server): Promise<HeapCensus> {
  const answer = (await ask(server, 'heap:snapshot', 300_000)) as { snapshot: string }
  const census = heapCensus(answer.snapshot)
  rmSync(answer.snapshot)
  return census
}

interface HeapProfileNode {
  callFrame: FrameCost['callFrame']
  selfSize: number
  children: HeapProfileNode[]
}

type Allocations = ReturnType<typeof attribute> & { requests: number }

async function allocatedPerRequest(server: Server): Promise<Allocations> {
  const { result, answer } = await loadWhileRecording(server, 32, 'alloc:start', 'alloc:stop')
  const { allocations } = answer as { allocations: HeapProfileNode }
  const frames: FrameCost[] = []
  const visit = (node: HeapProfileNode) => {
    frames.push({ callFrame: node.callFrame, cost: node.selfSize })
    for (const child of node.children) visit(child)
  }
  visit(allocations)
  return { ...attribute(frames), requests: result.requests }
}

/**
 * wrk on the cache route at `connections`: 2 s of warm-up, then `seconds` with the probe recording from `start`
 * to `stop`. Resolves with wrk's result and the probe's answer to `stop`; rejects if any request failed.
 */
async function loadWhileRecording(
  server: Server,
  connections: number,
  start: string,
  stop: string,
): Promise<{ result: LoadResult; answer: unknown }> {
  const load = {
    url: new URL(PATH, server.url).href,
    method: 'GET' as const,
    connections,
    cpu: pinning.load,
  }
  await generateLoad({ ...load, seconds: 2 })
  await ask(server, start)
  const result = await generateLoad({ ...load, seconds })
  // Long enough for a heap profile of a few seconds' load to be built and sent.
  const answer = await ask(server, stop, 120_000)
  if (result.errors > 0) throw new Error(`${server.name}: ${result.errors} errors under load`)
  return { result, answer }
}

/** Totals per request, then the app's largest modules and functions beside the reference's same ones. */
function printAllocations(servers: Server[], allocations: Allocations[], top: number): void {
  const kb = (bytes: number | undefined, requests: number) =>
    `${((bytes ?? 0) / requests / 1024).toFixed(1).padStart(6)} KB`
  const [ofApp, ofReference] = allocations
  if (!ofApp || !ofReference) return
  console.log(
    `${'in all'.padEnd(72)} ${kb(ofApp.total, ofApp.requests)} ${kb(ofReference.total, ofReference.requests)}`,
  )
  if (top === 0) return
  const names = servers.map((server) => server.name.padStart(9)).join(' ')
  for (const part of ['modules', 'functions'] as const) {
    console.log(`${`by ${part.slice(0, -1)}`.padEnd(72)} ${names}`)
    const ofReferenceByName = new Map(ofReference[part])
    for (const [name, bytes] of ofApp[part].slice(0, top)) {
      console.log(
        `  ${name.slice(0, 70).padEnd(70)} ${kb(bytes, ofApp.requests)} ${kb(ofReferenceByName.get(name), ofReference.requests)}`,
      )
    }
  }
}

async function measureScavenges(server: Server, connections: number): Promise<void> {
  const { result, answer } = await loadWhileRecording(server, connections, 'gc:start', 'gc:stop')
  const { scavenges } = answer as { scavenges: number[] }
  const totalMs = scavenges.reduce((sum, ms) => sum + ms, 0)
  const cells = [
    String(connections).padStart(5),
    server.name.padEnd(8),
    Math.round(result.perSecond).toLocaleString('en').padStart(8),
    (scavenges.length === 0
      ? '-'
      : Math.round(result.requests / scavenges.length).toString()
    ).padStart(13),
    (scavenges.length === 0 ? '-' : median(scavenges).toFixed(2)).padStart(10),
    `${((totalMs / (seconds * 1000)) * 100).toFixed(1)} %`.padStart(14),
  ]
  console.log(cells.join(' '))
}

function printCensus(name: string, census: HeapCensus): void {
  const cell = (value: number, width: number) =>
    (Math.round(value * 10) / 10).toLocaleString('en').padStart(width)
  console.log(
    `${name.padEnd(8)} ${cell(census.bytes, 8)} ${cell(census.asyncFunctions, 10)} ${cell(census.contexts, 9)} ${cell(census.promises, 9)}`,
  )
}

/** askOverIpc of the server's probe; a failure names the server. */
function ask(server: Server, message: string, timeoutMs?: number): Promise<unknown> {
  return askOverIpc(server.child, message, timeoutMs).catch((error: unknown) => {
    throw new Error(`${server.name}: ${(error as Error).message}`)
  })
}

/** The largest kinds of object per waiting request in the app, beside the reference's. */
function printKinds([ofApp, ofReference]: HeapCensus[], top: number): void {
  if (!ofApp || !ofReference) return
  console.log(
    `\n${'kind'.padEnd(48)} ${'app: count'.padStart(10)} ${'bytes'.padStart(7)} ${'redis: count'.padStart(12)} ${'bytes'.padStart(7)}`,
  )
  const largest = [...ofApp.byKind].sort(([, a], [, b]) => b.bytes - a.bytes).slice(0, top)
  const cell = (value: number | undefined, width: number) =>
    (Math.round((value ?? 0) * 10) / 10).toLocaleString('en').padStart(width)
  for (const [kind, { count, bytes }] of largest) {
    const reference = ofReference.byKind.get(kind)
    console.log(
      `${kind.slice(0, 48).padEnd(48)} ${cell(count, 10)} ${cell(bytes, 7)} ${cell(reference?.count, 12)} ${cell(reference?.bytes, 7)}`,
    )
  }
}

/** `count` GETs of `url` in turn; each must answer 200. */
async function send(url: URL, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await get(url, undefined)
}

function get(url: URL, agent: http.Agent | false | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        // A connection cut mid-answer errs on the response: unheard, it would end this script before its cleanup.
        response.on('error', reject).resume()
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(200)
            : reject(new Error(`${url} answered ${response.statusCode}`)),
        )
      })
      .on('error', reject)
  })
}
