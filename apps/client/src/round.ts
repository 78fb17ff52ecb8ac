import { randomUUID } from 'node:crypto'
import { type Check, type CheckContext, CheckFailure } from './check.js'
import type { HttpClient } from './http.js'

export interface CheckResult {
  name: string
  ok: boolean
  latencyMs: number
  /** On failure, why; on success, an optional remark (e.g. a degraded dependency). */
  detail?: string
  /** On a failure after the check sent a request: the X-Request-Id it sent, to find it in the API's logs. */
  requestId?: string
}

export interface RoundReport {
  results: CheckResult[]
  /** The round was stopped by `signal` before every check ran. */
  interrupted: boolean
  durationMs: number
}

export interface RunRoundOptions {
  checks: readonly Check[]
  context: CheckContext
  signal: AbortSignal
  /** Called as soon as each check finishes, so a slow round still reports progress. */
  onResult?: (result: CheckResult) => void
}

/** Runs every check in order; a failing check does not stop the round, an aborted `signal` does. */
export async function runRound({
  checks,
  context,
  signal,
  onResult,
}: RunRoundOptions): Promise<RoundReport> {
  const startedAt = performance.now()
  const results: CheckResult[] = []
  const report = (interrupted: boolean) => ({
    results,
    interrupted,
    durationMs: performance.now() - startedAt,
  })
  for (const check of checks) {
    if (signal.aborted) return report(true)
    const checkStartedAt = performance.now()
    const identified = withOneRequestId(context.http)
    let outcome: Pick<CheckResult, 'ok' | 'detail' | 'requestId'>
    try {
      outcome = { ok: true, detail: await check.run({ ...context, http: identified.http }) }
    } catch (error) {
      if (signal.aborted) return report(true)
      outcome = { ok: false, detail: describeFailure(error), requestId: identified.sentId() }
    }
    const result = { name: check.name, latencyMs: performance.now() - checkStartedAt, ...outcome }
    results.push(result)
    onResult?.(result)
  }
  return report(false)
}

/** Every request of one check goes out with the same new X-Request-Id; `sentId` is it once one was sent. */
function withOneRequestId(http: HttpClient) {
  const requestId = randomUUID()
  let sent = false
  return {
    http: {
      request(method, path, body) {
        sent = true
        return http.request(method, path, body, requestId)
      },
    } satisfies HttpClient,
    sentId: () => (sent ? requestId : undefined),
  }
}

export function roundPassed(report: RoundReport): boolean {
  return !report.interrupted && report.results.every((result) => result.ok)
}

function describeFailure(error: unknown): string {
  if (error instanceof CheckFailure) return error.message
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`
}
