import type { CheckResult, RoundReport } from './round.js'
import { roundPassed } from './round.js'

/** Wide enough for the longest check name, so the columns line up. */
const NAME_WIDTH = 12

export function formatCheckLine(result: CheckResult): string {
  const columns = [
    result.name.padEnd(NAME_WIDTH),
    (result.ok ? 'ok' : 'FAIL').padEnd(4),
    `${Math.round(result.latencyMs)} ms`.padStart(8),
  ]
  if (result.detail !== undefined) columns.push(result.ok ? `(${result.detail})` : result.detail)
  if (!result.ok && result.requestId !== undefined) columns.push(`request id ${result.requestId}`)
  return columns.join('  ')
}

export function formatRoundSummary(report: RoundReport, finishedAt: Date): string {
  const passed = report.results.filter((result) => result.ok).length
  const failed = report.results.filter((result) => !result.ok).map((result) => result.name)
  const took = `in ${Math.round(report.durationMs)} ms`
  const outcome = report.interrupted
    ? `interrupted after ${report.results.length} checks (${passed} passed) ${took}`
    : `${roundPassed(report) ? 'ok' : 'FAIL'}: ${passed}/${report.results.length} checks passed ${took}`
  const failures = failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''
  return `${finishedAt.toISOString()} round ${outcome}${failures}`
}
