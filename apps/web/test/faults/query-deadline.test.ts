import { eventually } from '@repo/testing/eventually'
import { type PrivatePostgres, startPrivatePostgres } from '@repo/testing/private-postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postJson, send } from '../support/http.js'
import { startTestServer, type TestServer } from '../support/real-socket.js'

/** What a loaded machine may add to a bound. */
const MARGIN_MS = 1_000

let postgres: PrivatePostgres
let server: TestServer

beforeAll(async () => {
  postgres = await startPrivatePostgres()
  // Default settings, but for the database: what a deployment gets without tuning anything.
  server = await startTestServer({ databaseUrl: postgres.url })
  await eventually(async () => expect((await send(`${server.url}/status`)).status).toBe(200))
})

afterAll(async () => {
  postgres?.thaw()
  await server?.stop()
  await postgres?.cleanup()
})

describe('a PostgreSQL that freezes mid-query with the pool connected, default settings', () => {
  it('gives 503 within 5 s (DB_STATEMENT_TIMEOUT_MS + 1 s), not after REQUEST_TIMEOUT_MS; after the thaw the next requests succeed at once', async () => {
    const { DB_STATEMENT_TIMEOUT_MS, REQUEST_TIMEOUT_MS } = server.config
    const bound = Math.min(5_000, DB_STATEMENT_TIMEOUT_MS + 1_000)
    expect(bound).toBeLessThan(REQUEST_TIMEOUT_MS)
    // Every connection of the pool open, so the freeze catches queries on them.
    await Promise.all(Array.from({ length: 20 }, () => send(`${server.url}/api/posts`)))

    postgres.freeze()
    let answers: Awaited<ReturnType<typeof send>>[]
    try {
      answers = await Promise.all([
        send(`${server.url}/api/posts`),
        send(`${server.url}/api/posts/1`),
        // More than the two inserts in flight: the rest wait for them, each within its own deadline.
        ...Array.from({ length: 6 }, () =>
          send(`${server.url}/api/posts`, postJson({ titulo: 'Congelado', conteudo: 'x' })),
        ),
        ...Array.from({ length: 20 }, () => send(`${server.url}/api/posts?limit=5`)),
      ])
    } finally {
      postgres.thaw()
    }
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, body: { erro: 'Banco de dados indisponível' } })
      expect(answer.ms).toBeLessThan(bound + MARGIN_MS / 2)
    }

    // Not eventually: the connections that hung were dropped, so the first requests after the thaw get answers.
    const after = await Promise.all(
      ['/api/posts', '/api/posts/1', '/status'].map((path) => send(`${server.url}${path}`)),
    )
    // The answers go in the message: this failed once on a loaded machine, and the bodies say why.
    expect(
      after.map(({ status }) => status),
      JSON.stringify(after),
    ).toEqual([200, 200, 200])
    for (const answer of after) expect(answer.ms).toBeLessThan(MARGIN_MS)
  })
})
