import { eventually } from '@repo/testing/eventually'
import { type PrivatePostgres, startPrivatePostgres } from '@repo/testing/private-postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EventStreamReader, openEventStream } from '../support/event-stream.js'
import { expectJsonError } from '../support/expect-json-error.js'
import { postJson, send } from '../support/http.js'
import { startTestServer, type TestServer } from '../support/real-socket.js'

const RECOVERY_BOUND_MS = 15_000

let postgres: PrivatePostgres
let server: TestServer
let stream: EventStreamReader | undefined

beforeAll(async () => {
  postgres = await startPrivatePostgres()
  server = await startTestServer({ databaseUrl: postgres.url, env: { LOG_LEVEL: 'silent' } })
})

afterAll(async () => {
  stream?.close()
  await server?.stop()
  await postgres?.cleanup()
})

describe('event streams while PostgreSQL restarts', () => {
  it('an open stream is told to read the state again once the database is back, then gets new posts', async () => {
    stream = await openEventStream(`${server.url}/api/events`)
    await stream.waitFor('pronto')

    await postgres.stop()
    await postgres.start()

    await stream.waitFor('sincronizar', undefined, RECOVERY_BOUND_MS)
    const { body } = await eventually(
      async () => {
        const answer = await send(
          `${server.url}/api/posts`,
          postJson({ titulo: 'de volta', conteudo: 'c' }),
        )
        expect(answer.status).toBe(201)
        return answer
      },
      { timeoutMs: RECOVERY_BOUND_MS },
    )
    const { id } = body as { id: number }
    await stream.waitFor('post', (data) => (data as { id: number }).id === id, 1_000)
  }, 40_000)

  it('a stream asked for while the database is down is refused with 503 JSON; once it is back, streams work, each event once', async () => {
    // A fresh server, so that nothing listens yet: opening a stream has to reach the database.
    const own = await startTestServer({ databaseUrl: postgres.url, env: { LOG_LEVEL: 'silent' } })
    let later: EventStreamReader | undefined
    try {
      await postgres.stop()
      await expectJsonError(await fetch(`${own.url}/api/events`), 503)
      const metrics = await (await fetch(`${own.url}/metrics`)).text()
      expect(metrics).toMatch(/^event_streams_open 0$/m)

      await postgres.start()
      later = await eventually(
        async () => {
          const opened = await openEventStream(`${own.url}/api/events`)
          if (opened.status !== 200) throw new Error(`GET /api/events answered ${opened.status}`)
          return opened
        },
        { timeoutMs: RECOVERY_BOUND_MS },
      )
      await later.waitFor('pronto')
      const { body } = await send(
        `${own.url}/api/posts`,
        postJson({ titulo: 'uma vez', conteudo: 'c' }),
      )
      const { id } = body as { id: number }
      await later.waitFor('post', (data) => (data as { id: number }).id === id, 1_000)
      // The listen that failed while the database was down must not pass events on beside the one that works.
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(later.events.filter((event) => event.event === 'post')).toHaveLength(1)
    } finally {
      later?.close()
      await own.stop()
    }
  }, 40_000)
})
