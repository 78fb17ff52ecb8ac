import { setTimeout as sleep } from 'node:timers/promises'
import { abortable } from '@repo/async/deadline'
import { describeError, type Logger } from './logger.js'

export interface RetryOptions {
  what: string
  logger: Logger
  /** An error for which this is false is thrown at once (a bug or a bad setting, not an outage). Default: retry all. */
  shouldRetry?: (error: unknown) => boolean
  firstDelayMs?: number
  maxDelayMs?: number
  /** Aborting it ends the wait and the attempt in progress: the promise rejects with the signal's reason. */
  signal?: AbortSignal
}

/**
 * Runs `attempt` until it succeeds, waiting longer after each failure (capped, with jitter so that instances
 * restarted together do not retry in step), and logs why it waits.
 */
export async function retryWithBackoff<T>(
  attempt: () => Promise<T>,
  {
    what,
    logger,
    shouldRetry = () => true,
    firstDelayMs = 250,
    maxDelayMs = 2000,
    signal,
  }: RetryOptions,
): Promise<T> {
  for (let failures = 0; ; failures++) {
    signal?.throwIfAborted()
    try {
      return await abortable(attempt(), signal)
    } catch (error) {
      if (signal?.aborted || !shouldRetry(error)) throw error
      const backoff = Math.min(firstDelayMs * 2 ** failures, maxDelayMs)
      const delayMs = Math.round(backoff * (0.8 + Math.random() * 0.4))
      logger.warn(
        { ...describeError(error), attempt: failures + 1, retryInMs: delayMs },
        `${what} failed, retrying`,
      )
      await sleep(delayMs, undefined, { signal })
    }
  }
}
