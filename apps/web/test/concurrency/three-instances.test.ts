import { CounterSchema, StatsSchema } from '@repo/contracts/counter'
import { PostListSchema, PostSchema } from '@repo/contracts/posts'
import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { createTestKeyspace, type TestKeyspace } from '@repo/testing/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppProcess, startAppProcess } from '../support/child-process.js'
import { postJson } from '../support/http.js'

const getJson = async (url: string, init?: RequestInit) => (await fetch(url, init)).json()

// The app keeps no state of its own: three processes on one PostgreSQL and one Redis behave as one.
describe('three web processes on one empty database and one Redis', () => {
  let database: TestDatabase
  let keyspace: TestKeyspace
  let instances: AppProcess[] = []
  /** `total` of GET /api/posts on each instance as soon as all three were up, before any test wrote. */
  let totalsAtStart: number[] = []
  let turn = 0
  const nextUrl = () => (instances[turn++ % instances.length] as AppProcess).url

  beforeAll(async () => {
    database = await createTestDatabase()
    keyspace = createTestKeyspace()
    // Started together, so the three migrate the empty database at the same moment.
    const starting = Array.from({ length: 3 }, () =>
      startAppProcess({ databaseUrl: database.url, keyPrefix: keyspace.prefix }),
    )
    const started = await Promise.allSettled(starting)
    instances = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
    for (const result of started) if (result.status === 'rejected') throw result.reason
    totalsAtStart = await Promise.all(
      instances.map(
        async ({ url }) => PostListSchema.parse(await getJson(`${url}/api/posts`)).total,
      ),
    )
  })

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.cleanup()))
    await Promise.allSettled([database?.drop(), keyspace?.clear()])
  })

  it('all three come up, and the initial posts exist exactly once', () => {
    expect(totalsAtStart).toEqual([3, 3, 3])
  })

  it('300 counter calls spread round-robin over the three return exactly the next 300 values', async () => {
    const before = StatsSchema.parse(await getJson(`${nextUrl()}/api/stats`)).total_requisicoes
    const values = await Promise.all(
      Array.from({ length: 300 }, async () =>
        CounterSchema.parse(await getJson(`${nextUrl()}/api/contador`)),
      ),
    )
    const sorted = values.map(({ contador }) => contador).sort((a, b) => a - b)
    expect(sorted).toEqual(Array.from({ length: 300 }, (_, i) => before + 1 + i))
  })

  it('a post created through one instance is in the next cached read of each other one', async () => {
    const [first, second, third] = instances.map(({ url }) => url) as [string, string, string]
    await getJson(`${second}/api/posts/cache`)
    await getJson(`${third}/api/posts/cache`)
    const created = PostSchema.parse(
      await getJson(`${first}/api/posts`, postJson({ titulo: 'visto por todos', conteudo: 'c' })),
    )
    for (const url of [second, third]) {
      const list = PostListSchema.parse(await getJson(`${url}/api/posts/cache`))
      expect(list.posts.map((post) => post.id)).toContain(created.id)
    }
  })

  it('each instance logged its own start, and only one of them applied the migration', () => {
    for (const instance of instances) expect(instance.stdout()).toMatch(/"message":"listening"/)
    const applied = instances.map((instance) =>
      /"migrationsApplied":\["0001_create_posts.sql","0002_count_posts.sql"\]/.test(
        instance.stdout(),
      ),
    )
    expect(applied.filter(Boolean)).toHaveLength(1)
  })
})
