import { setTimeout as sleep } from 'node:timers/promises'

/** Retries `attempt` until it stops throwing, or rethrows its last error after `timeoutMs`. */
export async function eventually<T>(
  attempt: () => T | Promise<T>,
  { timeoutMs = 5_000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await attempt()
    } catch (error) {
      if (Date.now() > deadline) throw error
    }
    await sleep(intervalMs)
  }
}

/** Milliseconds `operation` took to settle, and how it settled. */
export async function timed<T>(
  operation: () => Promise<T>,
): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const started = performance.now()
  const [result] = await Promise.allSettled([operation()])
  return { ms: performance.now() - started, result: result as PromiseSettledResult<T> }
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}
