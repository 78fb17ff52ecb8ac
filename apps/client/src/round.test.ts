import { describe, expect, test } from 'vitest'
import { type Check, type CheckContext, CheckFailure } from './check.js'
import { createHttpClient } from './http.js'
import { formatCheckLine, formatRoundSummary } from './report.js'
import { type CheckResult, roundPassed, runRound } from './round.js'

const passing = (name: string, note?: string): Check => ({ name, run: async () => note })
const failing = (name: string, why: string): Check => ({
  name,
  run: async () => {
    throw new CheckFailure(why)
  },
})

function contextWith(signal: AbortSignal): CheckContext {
  return {
    http: createHttpClient({ apiUrl: 'http://127.0.0.1:1', timeoutMs: 1000, signal }),
    state: {},
  }
}

describe('runRound', () => {
  test('when a check fails, the checks after it still run and the round fails', async () => {
    const signal = new AbortController().signal
    const seen: string[] = []
    const report = await runRound({
      checks: [passing('a'), failing('b', 'HTTP 503'), passing('c')],
      context: contextWith(signal),
      signal,
      onResult: (result) => seen.push(result.name),
    })
    expect(seen).toEqual(['a', 'b', 'c'])
    expect(report.results.map(({ name, ok, detail }) => ({ name, ok, detail }))).toEqual([
      { name: 'a', ok: true, detail: undefined },
      { name: 'b', ok: false, detail: 'HTTP 503' },
      { name: 'c', ok: true, detail: undefined },
    ])
    expect(roundPassed(report)).toBe(false)
  })

  test('when a check throws something other than a CheckFailure, reports it as unexpected', async () => {
    const signal = new AbortController().signal
    const broken: Check = {
      name: 'broken',
      run: async () => {
        throw new RangeError('bug')
      },
    }
    const report = await runRound({ checks: [broken], context: contextWith(signal), signal })
    expect(report.results[0]?.detail).toBe('unexpected error: bug')
  })

  test('when the signal aborts during a check, stops the round as interrupted', async () => {
    const controller = new AbortController()
    const stopsTheRound: Check = {
      name: 'stops',
      run: async () => {
        controller.abort()
        throw new CheckFailure('aborted')
      },
    }
    const report = await runRound({
      checks: [passing('a'), stopsTheRound, passing('never')],
      context: contextWith(controller.signal),
      signal: controller.signal,
    })
    expect(report.interrupted).toBe(true)
    expect(report.results.map((result) => result.name)).toEqual(['a'])
    expect(roundPassed(report)).toBe(false)
  })

  test('when every check passes, the round passes', async () => {
    const signal = new AbortController().signal
    const report = await runRound({
      checks: [passing('a'), passing('b')],
      context: contextWith(signal),
      signal,
    })
    expect(roundPassed(report)).toBe(true)
  })
})

describe('report lines', () => {
  const result = (overrides: Partial<CheckResult>): CheckResult => ({
    name: 'counter',
    ok: true,
    latencyMs: 12.4,
    ...overrides,
  })

  test('a failed check shows its name, FAIL, the latency in ms and why', () => {
    expect(
      formatCheckLine(result({ ok: false, detail: 'HTTP 503 (expected 200): Sem cache' })),
    ).toBe('counter       FAIL     12 ms  HTTP 503 (expected 200): Sem cache')
  })

  test('a passed check shows ok and its note in parentheses', () => {
    expect(
      formatCheckLine(result({ name: 'status', detail: 'degradado: cache desconectado' })),
    ).toBe('status        ok       12 ms  (degradado: cache desconectado)')
  })

  test('the summary of a failed round counts the passes and names the failures', () => {
    const summary = formatRoundSummary(
      {
        results: [result({ name: 'health' }), result({ ok: false, detail: 'x' })],
        interrupted: false,
        durationMs: 80.2,
      },
      new Date('2026-11-27T15:30:00.000Z'),
    )
    expect(summary).toBe(
      '2026-11-27T15:30:00.000Z round FAIL: 1/2 checks passed in 80 ms; failed: counter',
    )
  })
})
