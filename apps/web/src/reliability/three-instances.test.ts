import { fileURLToPath } from 'node:url'
import { CounterSchema, StatsSchema } from '@repo/contracts/counter'
import { PostListSchema, PostSchema } from '@repo/contracts/posts'
import { type NodeProcess, spawnNodeWithTsx } from '@repo/testing/node-process'
import { freePort } from '@repo/testing/ports'
import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { createTestKeyspace, type TestKeyspace } from '@repo/testing/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const webDir = fileURLToPath(new URL('../../', import.meta.url))

// The app keeps no state of its own: three processes on one PostgreSQL and one Redis behave as one.
describe('three web processes on one empty database and one Redis', () => {
  let database: TestDatabase
  let keyspace: TestKeyspace
  const instances: NodeProcess[] = []
  const urls: string[] = []
  let turn = 0
  const nextUrl = () => urls[turn++ % urls.length] as string

  beforeAll(async () => {
    database = await createTestDatabase()
    keyspace = createTestKeyspace()
    const ports = await Promise.all([freePort(), freePort(), freePort()])
    // Started together, so the three migrate the empty database at the same moment.
    for (const port of ports) {
      instances.push(
        spawnNodeWithTsx(['src/index.ts'], {
          cwd: webDir,
          env: {
            PORT: String(port),
            DATABASE_URL: database.url,
            REDIS_URL: keyspace.url,
            REDIS_KEY_PREFIX: keyspace.prefix,
            LOG_LEVEL: 'info',
          },
        }),
      )
      urls.push(`http://127.0.0.1:${port}`)
    }
    await Promise.all(instances.map((instance) => instance.waitForStdout(/"listening"/, 20_000)))
  })

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()))
    await Promise.allSettled([database?.drop(), keyspace?.clear()])
  })

  const getJson = async (url: string) => (await fetch(url)).json()

  it('all three come up, and the initial posts exist exactly once', async () => {
    const lists = await Promise.all(urls.map((url) => getJson(`${url}/api/posts`)))
    for (const list of lists) expect(PostListSchema.parse(list).total).toBe(3)
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
    const [first, second, third] = urls as [string, string, string]
    await getJson(`${second}/api/posts/cache`)
    await getJson(`${third}/api/posts/cache`)
    const created = PostSchema.parse(
      await (
        await fetch(`${first}/api/posts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ titulo: 'visto por todos', conteudo: 'c' }),
        })
      ).json(),
    )
    for (const url of [second, third]) {
      const list = PostListSchema.parse(await getJson(`${url}/api/posts/cache`))
      expect(list.posts.map((post) => post.id)).toContain(created.id)
    }
  })

  it('each instance logged its own start, and only one of them applied the migration', () => {
    const applied = instances.map((instance) =>
      /"migrationsApplied":\["0001_create_posts.sql"\]/.test(instance.stdout()),
    )
    expect(applied.filter(Boolean)).toHaveLength(1)
  })
})
