import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Starts `round` every `intervalMs` (start to start) until `signal` aborts. Rounds never overlap: one that
 * overruns the interval is followed at once by the next.
 */
export async function repeatEvery(
  intervalMs: number,
  round: (signal: AbortSignal) => Promise<unknown>,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    const startedAt = performance.now()
    await round(signal)
    const wait = Math.max(0, startedAt + intervalMs - performance.now())
    await sleep(wait, undefined, { signal }).catch((error: unknown) => {
      if (!signal.aborted) throw error
    })
  }
}
