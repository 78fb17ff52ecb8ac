import { randomUUID } from 'node:crypto'
import { CounterSchema, StatsSchema } from '@repo/contracts/counter'
import { PostListSchema, PostSchema } from '@repo/contracts/posts'
import { createDb, type Db } from '@repo/db/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, createApp } from '../../src/app.js'
import { createLogger } from '../../src/logger.js'
import { postJson } from '../support/http.js'
import { createTestEnv, type TestEnv } from '../support/in-process.js'
import { startTestServer, type TestServer } from '../support/real-socket.js'

const times = <T>(count: number, make: (index: number) => Promise<T>) =>
  Promise.all(Array.from({ length: count }, (_, index) => make(index)))

describe('concurrent requests to one app instance', () => {
  let env: TestEnv
  let countingDb: Db
  let app: App
  /** Every statement this instance sent to PostgreSQL, in order. */
  const statements: string[] = []
  beforeAll(async () => {
    // Every request of a burst in flight at once: this shows single-flight, not the load shedder's queue.
    env = await createTestEnv({ env: { MAX_REQUESTS_IN_FLIGHT: '1000' } })
    countingDb = createDb(env.config.DATABASE_URL, { onQuery: (query) => statements.push(query) })
    app = createApp({
      cache: env.cache,
      config: env.config,
      db: countingDb,
      logger: createLogger('silent'),
    })
  })
  afterAll(async () => {
    await countingDb?.end({ timeout: 1 })
    await env?.close()
  })

  const postsStatements = () => statements.filter((query) => /\bfrom posts\b/i.test(query))

  it('200 concurrent creates store exactly 200 new rows with distinct ids, each answered with its own post', async () => {
    const marker = randomUUID()
    statements.length = 0
    const answers = await times(200, async (i) => {
      const res = await app.request(
        '/api/posts',
        postJson({ titulo: `${marker} ${i}`, conteudo: 'c' }),
      )
      return { status: res.status, post: PostSchema.parse(await res.json()) }
    })
    expect(answers.every((answer) => answer.status === 201)).toBe(true)
    const ids = answers.map((answer) => answer.post.id)
    expect(new Set(ids).size).toBe(200)
    const rows = await env.db<{ id: number; titulo: string }[]>`
      select id, titulo from posts where titulo like ${`${marker} %`}
    `
    expect(rows.map((row) => row.id).sort((a, b) => a - b)).toEqual(ids.sort((a, b) => a - b))
    expect(new Set(rows.map((row) => row.titulo)).size).toBe(200)
    // Inserted together (createPostsTogether), yet every answer is the post its own request created.
    expect(answers.map((answer) => answer.post.titulo)).toEqual(
      answers.map((_, i) => `${marker} ${i}`),
    )
    const inserts = statements.filter((query) => /\binsert into posts\b/i.test(query))
    expect(inserts.length).toBeLessThan(200)
  })

  it('100 concurrent misses on posts_cache cost one database load, then hits cost none', async () => {
    await app.request('/api/posts', postJson({ titulo: 'esvazia o cache', conteudo: 'c' }))
    statements.length = 0

    const misses = await times(100, async () =>
      PostListSchema.parse(await (await app.request('/api/posts/cache')).json()),
    )
    // One load is one statement: the page and the count together.
    expect(postsStatements()).toHaveLength(1)
    expect(misses.every((body) => body.fonte === 'banco_de_dados')).toBe(true)
    expect(new Set(misses.map((body) => JSON.stringify(body))).size).toBe(1)

    statements.length = 0
    const hits = await times(100, async () =>
      PostListSchema.parse(await (await app.request('/api/posts/cache')).json()),
    )
    expect(postsStatements()).toHaveLength(0)
    expect(hits.every((body) => body.fonte === 'cache')).toBe(true)
  })
})

describe('concurrent requests over real sockets', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server?.stop())

  const getJson = async (path: string) => (await fetch(`${server.url}${path}`)).json()

  it('500 concurrent GET /api/contador get exactly the values k+1..k+500', async () => {
    const k = StatsSchema.parse(await getJson('/api/stats')).total_requisicoes
    const values = await times(500, async () => CounterSchema.parse(await getJson('/api/contador')))
    const sorted = values.map((value) => value.contador).sort((a, b) => a - b)
    expect(sorted).toEqual(Array.from({ length: 500 }, (_, i) => k + 1 + i))
  })
})
