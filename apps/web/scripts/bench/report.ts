import type { LoadResult } from './load.js'

/** A target of the issue: `value` must reach `target` (or stay at or under it, with `atMost`). */
export interface Check {
  what: string
  value: number
  target: number
  atMost?: boolean
}

const COLUMNS = [28, 20, 9, 9, 9, 7, 9, 7, 8] as const

function line(cells: string[]): string {
  return cells
    .map((cell, i) => (i < 2 ? cell.padEnd(COLUMNS[i] ?? 0) : cell.padStart(COLUMNS[i] ?? 0)))
    .join(' ')
    .trimEnd()
}

export function printTableHeader(): void {
  console.log(
    `\n${line(['route', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU µs', 'ratio', 'target'])}`,
  )
}

/** One server's result; `ratio` is the app's req/s over this server's. */
export function printRow(
  route: string,
  server: string,
  result: Partial<LoadResult> & { perSecond: number },
  comparison?: { ratio: number; target: number | undefined },
): void {
  const fixed = (value: number | undefined, digits: number) =>
    value === undefined ? '' : value.toFixed(digits)
  const target = comparison?.target
  console.log(
    line([
      route,
      server,
      Math.round(result.perSecond).toLocaleString('en-US'),
      fixed(result.p50Ms, 2),
      fixed(result.p99Ms, 2),
      result.errors === undefined ? '' : String(result.errors),
      fixed(result.cpuUsPerRequest, 0),
      comparison ? comparison.ratio.toFixed(2) : '',
      target === undefined
        ? ''
        : `≥ ${target}${comparison && comparison.ratio >= target ? '' : ' ✗'}`,
    ]),
  )
}

const met = (check: Check) =>
  check.atMost ? check.value <= check.target : check.value >= check.target

export function printChecks(checks: Check[]): void {
  const missed = checks.filter((check) => !met(check))
  console.log(`\ntargets: ${checks.length - missed.length} of ${checks.length} met`)
  for (const check of missed) {
    const value = Number.isInteger(check.value) ? String(check.value) : check.value.toFixed(2)
    console.log(
      `  missed: ${check.what} ${value}, target ${check.atMost ? '≤' : '≥'} ${check.target}`,
    )
  }
}
