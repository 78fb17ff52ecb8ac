import { expect, test } from 'vitest'
import { repeatEvery } from './schedule.js'

test('repeats rounds start to start until the signal aborts, then resolves', async () => {
  const controller = new AbortController()
  const startedAt: number[] = []
  await repeatEvery(
    50,
    async () => {
      startedAt.push(performance.now())
      if (startedAt.length === 3) controller.abort()
    },
    controller.signal,
  )
  expect(startedAt).toHaveLength(3)
  const [first = 0, , third = 0] = startedAt
  expect(third - first).toBeGreaterThanOrEqual(90)
})

test('when the signal aborts while waiting for the next round, resolves at once', async () => {
  const controller = new AbortController()
  let rounds = 0
  const startedAt = performance.now()
  const stopped = repeatEvery(
    60_000,
    async () => {
      rounds += 1
    },
    controller.signal,
  )
  setTimeout(() => controller.abort(), 50)
  await stopped
  expect(rounds).toBe(1)
  expect(performance.now() - startedAt).toBeLessThan(1000)
})
