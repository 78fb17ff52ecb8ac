import { describe, expect, it, vi } from 'vitest'
import { type BatchOptions, batched } from './batch.js'

/** A `run` whose batches the test answers by hand, one at a time, in the order they started. */
function heldRun() {
  const batches: { items: string[]; answer: () => void; fail: (error: Error) => void }[] = []
  const run = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({
        items,
        answer: () => resolve(items.map((item) => item.toUpperCase())),
        fail: reject,
      })
    })
  /** Resolves once `count` batches have started (the next one starts a few steps after one lands). */
  const started = async (count: number) => {
    for (let turn = 0; batches.length < count; turn++) {
      if (turn === 100) throw new Error(`${batches.length} batches started, expected ${count}`)
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  return { run, batches, started }
}

/** Whether `promise` has settled by the next turn of the event loop. */
const settledByNextTurn = (promise: Promise<unknown>) =>
  Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => setImmediate(resolve, false)),
  ])

const options = (overrides: Partial<BatchOptions> = {}): BatchOptions => ({
  maxSize: 10,
  concurrency: 1,
  ...overrides,
})

describe('batched', () => {
  it('runs a lone call at once, alone, and answers it', async () => {
    const { run, batches } = heldRun()
    const call = batched(run, options())

    const answer = call('a')
    expect(batches.map((batch) => batch.items)).toEqual([['a']])
    batches[0]?.answer()

    await expect(answer).resolves.toBe('A')
  })

  it('puts the calls made while every batch is in flight into the next batch, each answered by its own item', async () => {
    const { run, batches, started } = heldRun()
    const call = batched(run, options())

    call('a')
    const rest = [call('b'), call('c'), call('d')]
    expect(batches).toHaveLength(1)
    batches[0]?.answer()
    await started(2)

    expect(batches.map((batch) => batch.items)).toEqual([['a'], ['b', 'c', 'd']])
    batches[1]?.answer()
    await expect(Promise.all(rest)).resolves.toEqual(['B', 'C', 'D'])
  })

  it('keeps at most `concurrency` batches in flight and at most `maxSize` items in one', async () => {
    const { run, batches, started } = heldRun()
    const call = batched(run, options({ concurrency: 2, maxSize: 2 }))

    const answers = ['a', 'b', 'c', 'd', 'e', 'f'].map((item) => call(item))
    expect(batches.map((batch) => batch.items)).toEqual([['a'], ['b']])
    batches[0]?.answer()
    await started(3)
    expect(batches.map((batch) => batch.items)).toEqual([['a'], ['b'], ['c', 'd']])
    batches[1]?.answer()
    await started(4)
    expect(batches.map((batch) => batch.items)).toEqual([['a'], ['b'], ['c', 'd'], ['e', 'f']])
    for (const batch of batches.slice(2)) batch.answer()

    await expect(Promise.all(answers)).resolves.toEqual(['A', 'B', 'C', 'D', 'E', 'F'])
  })

  it('fails every call of a batch that fails, and goes on with the next batch', async () => {
    const { run, batches, started } = heldRun()
    const call = batched(run, options())

    call('a')
    const [second, third] = [call('b'), call('c')]
    batches[0]?.answer()
    await started(2)
    batches[1]?.fail(new Error('down'))

    await expect(second).rejects.toThrow('down')
    await expect(third).rejects.toThrow('down')
    const after = call('d')
    await started(3)
    batches[2]?.answer()
    await expect(after).resolves.toBe('D')
  })

  it('fails the calls of a `run` that throws instead of rejecting', async () => {
    const call = batched<string, string>(() => {
      throw new Error('thrown')
    }, options())

    await expect(call('a')).rejects.toThrow('thrown')
    await expect(call('b')).rejects.toThrow('thrown')
  })

  it('runs each item of a failed batch alone when `retryAlone` accepts the error, so only the bad one fails', async () => {
    const ran: string[][] = []
    const call = batched(
      async (items: string[]) => {
        ran.push(items)
        if (items.includes('bad')) throw Object.assign(new Error('refused'), { code: 'BAD' })
        return items.map((item) => item.toUpperCase())
      },
      options({ retryAlone: (error) => (error as { code?: string }).code === 'BAD' }),
    )

    const first = call('a')
    const rest = [call('b'), call('bad'), call('c')]
    await first
    const outcomes = await Promise.allSettled(rest)

    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ])
    expect(ran).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']])
  })

  it('does not run the items of a failed batch again for an error `retryAlone` refuses', async () => {
    const ran: string[][] = []
    const call = batched(
      async (items: string[]) => {
        ran.push(items)
        await new Promise((resolve) => setTimeout(resolve, 5))
        if (ran.length > 1) throw new Error('down')
        return items
      },
      options({ retryAlone: () => false }),
    )

    const first = call('a')
    const rest = [call('b'), call('c')]
    await first

    await expect(Promise.all(rest)).rejects.toThrow('down')
    expect(ran).toEqual([['a'], ['b', 'c']])
  })

  it('rejects a call that waited `maxWait` in the queue and never runs it', async () => {
    const { run, batches } = heldRun()
    const call = batched(run, options({ maxWait: { ms: 30, waited: () => new Error('waited') } }))

    const first = call('a')
    const queued = call('b')
    await expect(queued).rejects.toThrow('waited')
    batches[0]?.answer()

    await expect(first).resolves.toBe('A')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(batches.map((batch) => batch.items)).toEqual([['a']])
  })

  it('rejects a waiting call at `maxWait` even once its batch is in flight, and answers the others of the batch', async () => {
    // The clock is the test's: on a busy machine real timers fire late, and the two deadlines are 30 ms apart.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const { run, batches, started } = heldRun()
      const call = batched(run, options({ maxWait: { ms: 60, waited: () => new Error('waited') } }))

      call('a')
      const queued = call('b')
      const rejected = expect(queued).rejects.toThrow('waited')
      await vi.advanceTimersByTimeAsync(30)
      const later = call('c')
      batches[0]?.answer()
      await started(2)
      expect(batches.map((batch) => batch.items)).toEqual([['a'], ['b', 'c']])

      await vi.advanceTimersByTimeAsync(30)
      await rejected
      expect(await settledByNextTurn(later)).toBe(false)
      batches[1]?.answer()
      await expect(later).resolves.toBe('C')
    } finally {
      vi.useRealTimers()
    }
  })

  it('gives a call that starts a batch at once no timer: its batch bounds its time', async () => {
    const { run, batches } = heldRun()
    const call = batched(run, options({ maxWait: { ms: 10, waited: () => new Error('waited') } }))

    const answer = call('a')
    await new Promise((resolve) => setTimeout(resolve, 40))
    batches[0]?.answer()

    await expect(answer).resolves.toBe('A')
  })
})
