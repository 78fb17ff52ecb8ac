import { describe, expect, it } from 'vitest'
import { abortable, TimeoutError, withTimeout } from './deadline.js'

const never = new Promise<never>(() => {})
const after = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(resolve, ms, value))

describe('withTimeout', () => {
  it('settles like the promise when it settles in time', async () => {
    await expect(withTimeout(after(5, 'done'), 1_000)).resolves.toBe('done')
    await expect(withTimeout(Promise.reject(new Error('boom')), 1_000)).rejects.toThrow('boom')
  })

  it('rejects with a TimeoutError naming the limit when the promise is too slow', async () => {
    const error = await withTimeout(never, 20).catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as Error).message).toBe('no answer within 20 ms')
  })

  it('rejects with the error the caller makes, when it gives one', async () => {
    class Slow extends Error {}
    await expect(withTimeout(never, 10, () => new Slow('slow'))).rejects.toBeInstanceOf(Slow)
  })
})

describe('abortable', () => {
  it('without a signal is the promise itself', () => {
    const promise = after(1, 1)
    expect(abortable(promise, undefined)).toBe(promise)
  })

  it('rejects with the reason as soon as the signal aborts', async () => {
    const controller = new AbortController()
    const waiting = abortable(never, controller.signal)
    controller.abort(new Error('stop'))
    await expect(waiting).rejects.toThrow('stop')
  })

  it('rejects at once when the signal has already aborted', async () => {
    await expect(abortable(after(1_000, 1), AbortSignal.abort(new Error('gone')))).rejects.toThrow(
      'gone',
    )
  })

  it('settles like the promise when the signal never aborts', async () => {
    await expect(abortable(after(5, 'value'), new AbortController().signal)).resolves.toBe('value')
  })
})
