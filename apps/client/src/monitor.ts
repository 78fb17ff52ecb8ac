import { setTimeout as sleep } from 'node:timers/promises'
import type { Check } from './check.js'
import { ROUND_CHECKS } from './checks/index.js'
import type { Config } from './config.js'
import { createHttpClient } from './http.js'
import { formatCheckLine, formatRoundSummary } from './report.js'
import { type RoundReport, roundPassed, runRound } from './round.js'
import { repeatEvery } from './schedule.js'

export interface MonitorOptions {
  config: Config
  /** Receives every report line. */
  write: (line: string) => void
  /** Aborts the round in flight and stops the repetition. */
  signal: AbortSignal
  checks?: readonly Check[]
}

/** Runs one round, writing a line per check and a summary; resolves with the exit status (0 = all passed). */
export async function runOnce(options: MonitorOptions): Promise<number> {
  return roundPassed(await reportRound(options)) ? 0 : 1
}

/**
 * Runs a round every INTERVAL_SECONDS until `signal` aborts; a stop is clean, so it resolves with 0. With
 * `waitForApi`, the first round waits, up to one interval, for the API to answer `/health`: started beside it (as
 * `pnpm dev` does), the client would otherwise report an API that is still starting as down.
 */
export async function runContinuously(
  options: MonitorOptions & { waitForApi?: boolean },
): Promise<number> {
  const { config, write, signal, waitForApi = false } = options
  write(`checking ${config.apiUrl} every ${config.intervalSeconds} s`)
  if (waitForApi)
    await untilHealthy(config, signal, () => write(`waiting for ${config.apiUrl}/health`))
  await repeatEvery(config.intervalSeconds * 1000, () => reportRound(options), signal)
  write('stopped')
  return 0
}

const HEALTH_POLL_MS = 250

async function untilHealthy(
  config: Config,
  signal: AbortSignal,
  onWait: () => void,
): Promise<void> {
  const deadline = performance.now() + config.intervalSeconds * 1000
  const http = createHttpClient({ apiUrl: config.apiUrl, timeoutMs: HEALTH_POLL_MS * 4, signal })
  for (let attempt = 0; !signal.aborted && performance.now() < deadline; attempt++) {
    const healthy = await http.request('GET', '/health').then(
      (response) => response.status === 200,
      () => false,
    )
    if (healthy) return
    if (attempt === 0) onWait()
    await sleep(HEALTH_POLL_MS, undefined, { signal }).catch(() => {})
  }
}

async function reportRound({
  config,
  write,
  signal,
  checks = ROUND_CHECKS,
}: MonitorOptions): Promise<RoundReport> {
  const http = createHttpClient({
    apiUrl: config.apiUrl,
    timeoutMs: config.requestTimeoutMs,
    writeToken: config.writeToken,
    signal,
  })
  const report = await runRound({
    checks,
    context: { http, state: {} },
    signal,
    onResult: (result) => write(formatCheckLine(result)),
  })
  write(formatRoundSummary(report, new Date()))
  return report
}
