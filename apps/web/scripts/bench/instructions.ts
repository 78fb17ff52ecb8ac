// `pnpm --filter web instructions`: the instructions each request costs the built app and the route's reference
// servers, counted by valgrind's callgrind. Counts, unlike CPU time, do not move with what else the machine runs:
// the same build gives the same count within about 2 %, so a change of a few percent shows in one run. They
// leave out the kernel (the socket's read and write, the same for every server) and run everything about 50 times
// slower, so they compare builds and servers, never a throughput. The ratio is the reference's count on the
// event loop's thread to the app's.
//   pnpm --filter web instructions [--route health --route cache ...] [--requests 3000] [--warmup 30000]
//     [--app-only]   (the app alone, no reference servers: half the time, to compare builds)
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { TEST_REDIS_URL } from '@repo/testing/redis'
import { spawnAppProcess } from '../../test/support/child-process.js'
import { IMAGE_ENV, IMAGE_NODE_FLAGS } from '../image-runtime.js'
import { startReference } from './reference-servers.js'
import { type BenchRoute, ROUTES } from './routes.js'

const { values: flags } = parseArgs({
  options: {
    route: { type: 'string', multiple: true, default: ['health', 'cache'] },
    requests: { type: 'string', default: '3000' },
    /** Requests before counting: V8 compiles the hot code in the first tens of thousands. */
    warmup: { type: 'string', default: '30000' },
    'app-only': { type: 'boolean', default: false },
  },
})
const requests = Number(flags.requests)
const warmup = Number(flags.warmup)
const routes = ROUTES.filter((route) => flags.route.includes(route.name) && route.method === 'GET')
if (routes.length !== flags.route.length) {
  throw new Error(
    `--route takes GET routes: ${ROUTES.filter((r) => r.method === 'GET').map((r) => r.name)}`,
  )
}
try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' })
} catch {
  console.error('pnpm --filter web instructions needs valgrind: apt-get install -y valgrind')
  process.exit(1)
}

const work = mkdtempSync(join(tmpdir(), 'web-instructions-'))
/** node under callgrind, one output file per thread; its pid is the server's (exec). */
const underCallgrind = join(work, 'node')
writeFileSync(
  underCallgrind,
  `#!/bin/sh\nexec valgrind -q --tool=callgrind --separate-threads=yes --callgrind-out-file=${work}/out.%p ${process.execPath} "$@"\n`,
  { mode: 0o755 },
)

/** `count` GETs of `url`, eight at a time on kept-alive connections; each must answer `status`. */
async function send(url: URL, count: number, status: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })
  const one = () =>
    new Promise<void>((resolve, reject) => {
      http
        .get(url, { agent }, (response) => {
          response.resume()
          response.on('end', () =>
            response.statusCode === status
              ? resolve()
              : reject(new Error(`${url} answered ${response.statusCode}`)),
          )
        })
        .on('error', reject)
    })
  let left = count
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (left-- > 0) await one()
    }),
  )
  agent.destroy()
}

const dumps = new Map<number, number>()

interface Count {
  /** The event loop's thread: the work of each request. */
  main: number
  /** V8's and libuv's helper threads: collections, compilation, file system. */
  others: number
}

/** Instructions per request of the server `pid` over `requests` after the warm-up. */
async function count(pid: number, url: URL, status: number): Promise<Count> {
  await send(url, warmup, status)
  execFileSync('callgrind_control', ['--zero', String(pid)], { stdio: 'ignore' })
  await send(url, requests, status)
  execFileSync('callgrind_control', ['--dump', String(pid)], { stdio: 'ignore' })
  const dump = (dumps.get(pid) ?? 0) + 1
  dumps.set(pid, dump)
  // Callgrind numbers the dumps of a process from 1, and writes a file per thread.
  const perThread = readdirSync(work)
    .filter((file) => file.startsWith(`out.${pid}.${dump}-`))
    .sort()
    .map((file) => Number(/^summary: (\d+)/m.exec(readFileSync(join(work, file), 'utf8'))?.[1]))
  const [main = 0, ...others] = perThread.map((instructions) => instructions / requests)
  return { main, others: others.reduce((sum, value) => sum + value, 0) }
}

const app = await spawnAppProcess({
  entry: 'bundle',
  nodeBinary: underCallgrind,
  nodeArgs: IMAGE_NODE_FLAGS,
  env: { NODE_ENV: 'production', ...IMAGE_ENV, CACHE_TTL_SECONDS: '3600' },
})
try {
  await app.waitUntilHealthy(120_000)
  console.log(
    `instructions per request (callgrind), ${requests} requests after ${warmup} of warm-up, 8 connections; the built app with the image's flags`,
  )
  console.log(
    `${'route'.padEnd(28)} ${'server'.padEnd(12)} ${'main thread'.padStart(12)} ${'others'.padStart(9)}   ratio`,
  )
  for (const route of routes) await measure(route)
} finally {
  await app.cleanup()
  rmSync(work, { recursive: true, force: true })
}

async function measure(route: BenchRoute): Promise<void> {
  const appUrl = new URL(route.path, app.url)
  // Twice: the cache route stores its page on the first request, and every later one is a hit.
  await send(appUrl, 2, route.status)
  const body = await (await fetch(appUrl)).text()
  const ofApp = await count(app.pid, appUrl, route.status)
  printRow(route.label, 'app', ofApp)
  for (const { name } of flags['app-only'] ? [] : route.references) {
    const reference = await startReference(
      name,
      {
        DATABASE_URL: app.databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: app.keyPrefix,
        BENCH_BODIES: JSON.stringify({ [route.path]: body }),
      },
      { nodeBinary: underCallgrind, listenWithinMs: 120_000 },
    )
    try {
      const ofReference = await count(
        reference.pid,
        new URL(route.path, reference.url),
        route.status,
      )
      printRow('', name, ofReference, (ofReference.main / ofApp.main).toFixed(2))
    } finally {
      await reference.stop()
    }
  }
}

function printRow(route: string, server: string, { main, others }: Count, ratio = ''): void {
  const number = (value: number, width: number) =>
    Math.round(value).toLocaleString('en').padStart(width)
  console.log(
    `${route.padEnd(28)} ${server.padEnd(12)} ${number(main, 12)} ${number(others, 9)}   ${ratio}`,
  )
}
process.exit(0)
