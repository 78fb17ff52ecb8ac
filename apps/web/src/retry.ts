import { setTimeout as sleep } from 'node:timers/promises'
import { describeError, type Logger } from './logger.js'

export interface RetryOptions {
  what: string
  logger: Logger
  firstDelayMs?: number
  maxDelayMs?: number
  signal?: AbortSignal
}

/** Runs `attempt` until it succeeds, waiting longer after each failure (capped), and logs why it waits. */
export async function retryWithBackoff<T>(
  attempt: () => Promise<T>,
  { what, logger, firstDelayMs = 250, maxDelayMs = 5000, signal }: RetryOptions,
): Promise<T> {
  for (let failures = 0; ; failures++) {
    try {
      return await attempt()
    } catch (error) {
      const delayMs = Math.min(firstDelayMs * 2 ** failures, maxDelayMs)
      logger.warn(`${what} failed, retrying`, { ...describeError(error), retryInMs: delayMs })
      await sleep(delayMs, undefined, { signal })
    }
  }
}
