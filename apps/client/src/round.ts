import { type Check, type CheckContext, CheckFailure } from './check.js'

export interface CheckResult {
  name: string
  ok: boolean
  latencyMs: number
  /** On failure, why; on success, an optional remark (e.g. a degraded dependency). */
  detail?: string
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
    let outcome: Pick<CheckResult, 'ok' | 'detail'>
    try {
      outcome = { ok: true, detail: await check.run(context) }
    } catch (error) {
      if (signal.aborted) return report(true)
      outcome = { ok: false, detail: describeFailure(error) }
    }
    const result = { name: check.name, latencyMs: performance.now() - checkStartedAt, ...outcome }
    results.push(result)
    onResult?.(result)
  }
  return report(false)
}

export function roundPassed(report: RoundReport): boolean {
  return !report.interrupted && report.results.every((result) => result.ok)
}

function describeFailure(error: unknown): string {
  if (error instanceof CheckFailure) return error.message
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`
}
