import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, test } from 'vitest'

// postgres.js keeps its pool's connections in these queues (open, busy, full, …), and patches/ fixes them: a
// queue that was never empty kept a spent slot for every shift, for ever, and `remove` scanned them all, so under
// steady load each query cost more than the one before it.
interface Queue<T> {
  readonly length: number
  push(item: T): T
  shift(): T | undefined
  remove(item: T): T | null
}

const require = createRequire(import.meta.url)
// `postgres` exports only its entry points: the queue is read from the files of the installed package.
const packageDir = join(dirname(require.resolve('postgres')), '../..')
const loaders: Record<string, () => Promise<(initial?: unknown[]) => Queue<unknown>>> = {
  'src (ES module, what the bundle takes)': async () =>
    (await import(pathToFileURL(join(packageDir, 'src/queue.js')).href)).default,
  'cjs (CommonJS)': async () => require(join(packageDir, 'cjs/src/queue.js')),
}

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void
const heapAfterCollection = () => {
  collectGarbage()
  return process.memoryUsage().heapUsed
}

describe.each(Object.keys(loaders))('the pool queue of postgres.js, %s', (build) => {
  const load = loaders[build] as (typeof loaders)[string]

  test('takes its items first in, first out, and removes any of them, across compactions', async () => {
    const Queue = await load()
    const queue = Queue()
    const out: number[] = []
    let next = 0
    for (let round = 0; round < 1_000; round++) {
      queue.push(next++)
      queue.push(next++)
      queue.push(next++)
      expect(queue.remove(next - 2)).toBe(next - 2)
      expect(queue.remove(-1)).toBeNull()
      out.push(queue.shift() as number)
    }
    while (queue.length > 0) out.push(queue.shift() as number)
    const expected = Array.from({ length: next }, (_, i) => i).filter((i) => i % 3 !== 1)
    expect(out).toEqual(expected)
  })

  test('a queue that is never empty holds no more than what is in it', async () => {
    const Queue = await load()
    const connections = Array.from({ length: 10 }, (_, i) => ({ id: i }))
    const busy = Queue(connections)
    const before = heapAfterCollection()
    // What the pool does for every query once all connections are busy: take the next one and put it back at the
    // end. (It also calls `remove` with it, which scanned every spent slot: left out here, where that would take
    // hours without the fix.)
    for (let query = 0; query < 1_000_000; query++) busy.push(busy.shift())
    // Without the fix: a million spent slots, 8 MB.
    expect(heapAfterCollection() - before).toBeLessThan(1_000_000)
    expect(busy.length).toBe(10)
  })
})
