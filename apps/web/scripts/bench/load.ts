import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const REPORT_SCRIPT = fileURLToPath(new URL('./wrk-report.lua', import.meta.url))
/** wrk counts a request unanswered after this long as a timeout (an error). */
const TIMEOUT_SECONDS = 5

export interface Load {
  url: string
  method: 'GET' | 'POST'
  body?: string
  seconds: number
  connections: number
  /** Run the load generator on this CPU (taskset), away from the servers. */
  cpu?: number
}

export interface LoadResult {
  requests: number
  perSecond: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** Network errors, timeouts and answers with a status of 400 or more, as wrk counts them. */
  errors: number
  /** CPU time the server used per request, in µs, when measured. */
  cpuUsPerRequest?: number
}

interface WrkReport {
  requests: number
  durationUs: number
  connect: number
  read: number
  write: number
  status: number
  timeout: number
  p50Us: number
  p99Us: number
  maxUs: number
}

/** Closed loop at saturation: `connections` keep-alive connections, each sending again as soon as it is answered. */
export async function generateLoad(load: Load): Promise<LoadResult> {
  const wrk = [
    'wrk',
    '--threads',
    '1',
    '--connections',
    String(load.connections),
    '--duration',
    `${load.seconds}s`,
    '--timeout',
    `${TIMEOUT_SECONDS}s`,
    '--script',
    REPORT_SCRIPT,
    load.url,
  ]
  const [command = 'wrk', ...args] =
    load.cpu === undefined ? wrk : ['taskset', '--cpu-list', String(load.cpu), ...wrk]
  const { stdout } = await run(command, args, {
    env: { ...process.env, BENCH_METHOD: load.method, BENCH_BODY: load.body ?? '' },
  })
  const line = stdout.split('\n').find((text) => text.startsWith('BENCH_RESULT '))
  if (line === undefined) throw new Error(`wrk printed no result:\n${stdout}`)
  const report = JSON.parse(line.slice('BENCH_RESULT '.length)) as WrkReport
  return {
    requests: report.requests,
    perSecond: report.requests / (report.durationUs / 1e6),
    p50Ms: report.p50Us / 1000,
    p99Ms: report.p99Us / 1000,
    maxMs: report.maxUs / 1000,
    errors: report.connect + report.read + report.write + report.status + report.timeout,
  }
}

/** Whether wrk is on PATH. */
export async function hasWrk(): Promise<boolean> {
  try {
    await run('wrk', ['--version'])
    return true
  } catch (error) {
    // wrk --version prints its version and exits 1.
    return (error as { code?: unknown }).code === 1
  }
}

/** Several slices of one server's load: medians of their figures, the sum of their errors. */
export interface Measured extends LoadResult {
  /** For a reference: the median over the rounds of the app's req/s over this server's, in the same round. */
  ratio: number
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  if (sorted.length === 0) return Number.NaN
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

export function combine(slices: LoadResult[]): LoadResult {
  const of = (figure: (slice: LoadResult) => number) => median(slices.map(figure))
  return {
    requests: slices.reduce((sum, slice) => sum + slice.requests, 0),
    perSecond: of((slice) => slice.perSecond),
    p50Ms: of((slice) => slice.p50Ms),
    p99Ms: of((slice) => slice.p99Ms),
    maxMs: Math.max(...slices.map((slice) => slice.maxMs)),
    errors: slices.reduce((sum, slice) => sum + slice.errors, 0),
    cpuUsPerRequest: of((slice) => slice.cpuUsPerRequest ?? Number.NaN),
  }
}
