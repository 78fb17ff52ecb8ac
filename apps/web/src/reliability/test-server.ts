import { freePort } from '@repo/testing/ports'
import { parseConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { type RunningServer, startServer } from '../server.js'

/** A request that takes longer than this counts as hung. */
const HUNG_AFTER_MS = 15_000

export interface LogLine {
  level: string
  message: string
  [field: string]: unknown
}

export interface TestServer {
  url: string
  /** Every log line so far, parsed. */
  logs: LogLine[]
  stop(): Promise<void>
}

/**
 * The real server (startServer) in this process, on a free port. Its log lines go to `logs`, which the test
 * can read while the server still starts.
 */
export async function startTestServer(
  env: { DATABASE_URL: string; REDIS_URL: string } & Record<string, string>,
  logs: LogLine[] = [],
): Promise<TestServer> {
  const config = parseConfig({ PORT: String(await freePort()), LOG_LEVEL: 'info', ...env })
  const logger = createLogger(config.LOG_LEVEL, (line) => logs.push(JSON.parse(line)))
  const server: RunningServer = await startServer(config, logger)
  return { url: `http://127.0.0.1:${server.port}`, logs, stop: () => server.stop() }
}

export interface Answer {
  status: number
  body: unknown
  ms: number
}

/** Sends one request and reads the JSON body; rejects if no answer comes within HUNG_AFTER_MS. */
export async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const started = performance.now()
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(HUNG_AFTER_MS) })
  const type = response.headers.get('content-type') ?? ''
  if (!type.startsWith('application/json')) {
    throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status} with ${type}`)
  }
  const body: unknown = await response.json()
  return { status: response.status, body, ms: performance.now() - started }
}

export function postJson(body: unknown): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }
}
