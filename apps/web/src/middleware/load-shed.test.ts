import { deferred } from '@repo/testing/eventually'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { expectJsonError } from '../../test/support/expect-json-error.js'
import { type LoadLimits, loadShed, RETRY_AFTER_SECONDS, RequestGate } from './load-shed.js'

/** An app whose /work answers only once the test releases it, behind a gate of `limits`. */
function gatedApp(limits: Partial<LoadLimits> = {}) {
  const gate = new RequestGate({ maxInFlight: 1, maxQueued: 0, maxQueueWaitMs: 5_000, ...limits })
  const held: Array<() => void> = []
  const answered: string[] = []
  let shed = 0
  const app = new Hono()
  app.use(
    loadShed(gate, {
      deadlineMs: 10_000,
      onShed: () => {
        shed++
      },
    }),
  )
  app.get('/work/:name', async (c) => {
    const release = deferred()
    held.push(() => release.resolve())
    await release.promise
    answered.push(c.req.param('name'))
    return c.json({ ok: true })
  })
  for (const probe of ['/health', '/status', '/metrics']) app.get(probe, (c) => c.json({ probe }))
  const waitForHeld = async (count: number) => {
    while (held.length < count) await new Promise((resolve) => setTimeout(resolve, 1))
  }
  return { app, gate, held, answered, waitForHeld, shedCount: () => shed }
}

describe('the load shedder', () => {
  it('past the in-flight limit and a full queue, answers 503 JSON with Retry-After at once', async () => {
    const { app, held, waitForHeld, shedCount } = gatedApp({ maxInFlight: 1, maxQueued: 0 })
    const first = app.request('/work/a')
    await waitForHeld(1)

    const started = performance.now()
    const turnedAway = await app.request('/work/b')
    expect(performance.now() - started).toBeLessThan(100)
    const body = await expectJsonError(turnedAway, 503)
    expect(body.erro).toMatch(/sobrecarregado/)
    expect(turnedAway.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS))
    expect(shedCount()).toBe(1)

    held[0]?.()
    expect((await first).status).toBe(200)
  })

  it('lets waiting requests in one at a time, in the order they arrived', async () => {
    const { app, gate, held, answered, waitForHeld } = gatedApp({ maxInFlight: 1, maxQueued: 10 })
    const names = ['a', 'b', 'c', 'd', 'e', 'f']
    const responses: Promise<Response>[] = []
    for (const name of names) {
      responses.push(Promise.resolve(app.request(`/work/${name}`)))
      // Each one reaches the gate before the next is sent.
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(gate.queued).toBe(5)
    for (let index = 0; index < names.length; index++) {
      await waitForHeld(index + 1)
      expect(gate.inFlight).toBe(1)
      held[index]?.()
    }
    expect((await Promise.all(responses)).map((res) => res.status)).toEqual(names.map(() => 200))
    expect(answered).toEqual(names)
    expect([gate.inFlight, gate.queued]).toEqual([0, 0])
  })

  it('turns a request away with 503 once it has waited maxQueueWaitMs, and skips it when a place frees', async () => {
    const { app, gate, held, answered, waitForHeld } = gatedApp({
      maxInFlight: 1,
      maxQueued: 5,
      maxQueueWaitMs: 100,
    })
    const first = app.request('/work/a')
    await waitForHeld(1)
    const late = await app.request('/work/b')
    await expectJsonError(late, 503)
    expect(late.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS))
    expect(gate.queued).toBe(0)

    const next = app.request('/work/c')
    await new Promise((resolve) => setImmediate(resolve))
    held[0]?.()
    await waitForHeld(2)
    held[1]?.()
    expect([(await first).status, (await next).status]).toEqual([200, 200])
    expect(answered).toEqual(['a', 'c'])
  })

  it('never holds or turns away the probes /health, /status and /metrics', async () => {
    const { app, held, waitForHeld } = gatedApp({ maxInFlight: 1, maxQueued: 0 })
    const first = app.request('/work/a')
    await waitForHeld(1)
    expect((await app.request('/work/b')).status).toBe(503)
    for (const probe of ['/health', '/status', '/metrics']) {
      expect((await app.request(probe)).status).toBe(200)
    }
    held[0]?.()
    await first
  })

  it('frees the place of a request that failed', async () => {
    const gate = new RequestGate({ maxInFlight: 1, maxQueued: 0, maxQueueWaitMs: 100 })
    const app = new Hono()
    app.use(loadShed(gate, { deadlineMs: 10_000 }))
    app.get('/boom', () => {
      throw new Error('boom')
    })
    app.onError((_, c) => c.json({ erro: 'x' }, 500))
    expect((await app.request('/boom')).status).toBe(500)
    expect((await app.request('/boom')).status).toBe(500)
    expect(gate.inFlight).toBe(0)
  })
})
