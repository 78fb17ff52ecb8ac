import { describe, expect, it } from 'vitest'
import { afterSettling } from './settled.js'

describe('afterSettling', () => {
  it('calls back once per promise, after it fulfils, and passes its value on', async () => {
    const calls: string[] = []
    const after = afterSettling(() => calls.push('settled'))
    const value = after(
      Promise.resolve('value').then((v) => {
        calls.push('fulfilled')
        return v
      }),
    )
    expect(calls).toEqual([])
    await expect(value).resolves.toBe('value')
    expect(calls).toEqual(['fulfilled', 'settled'])
  })

  it('calls back after it rejects, and passes the same error on', async () => {
    let calls = 0
    const after = afterSettling(() => calls++)
    const error = new Error('boom')
    await expect(after(Promise.reject(error))).rejects.toBe(error)
    expect(calls).toBe(1)
  })

  it('rejects with what the callback throws, as finally does', async () => {
    const thrown = new Error('callback')
    const after = afterSettling(() => {
      throw thrown
    })
    await expect(after(Promise.resolve(1))).rejects.toBe(thrown)
    await expect(
      Promise.resolve(1).finally(() => {
        throw thrown
      }),
    ).rejects.toBe(thrown)
  })
})
