import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDb, type Db } from './client.js'
import { migrate } from './migrate.js'
import { countPosts, createPost, createPosts, type NewPostRow, pageOfPostsJson } from './posts.js'

// The number of posts comes from the rows migration 0002's triggers keep, not from count(*): each test holds their
// sum to count(*) after changing the table in one way.
let database: TestDatabase
let db: Db

const post = (titulo: string): NewPostRow => ({ titulo, conteudo: 'conteúdo', autor: 'Teste' })

async function counted(): Promise<number> {
  const [row] = await db<{ total: number }[]>`select count(*)::int as total from posts`
  return row?.total ?? -1
}

async function kept(): Promise<number | undefined> {
  const [row] = await db<{ total: number }[]>`select sum(total)::int as total from posts_count`
  return row?.total
}

async function expectExact(total: number): Promise<void> {
  expect(await counted()).toBe(total)
  expect(await kept()).toBe(total)
  expect(await countPosts(db)).toBe(total)
  const page = JSON.parse(await pageOfPostsJson(db, { limit: 1, offset: 0 })) as { total: number }
  expect(page.total).toBe(total)
}

// A migrated database of its own for each test: they count from the three initial posts.
beforeEach(async () => {
  database = await createTestDatabase()
  db = createDb(database.url)
  await migrate(db)
})

afterEach(async () => {
  await db.end()
  await database.drop()
})

describe('the number of posts', () => {
  it('starts at the three initial posts and follows single and batched inserts', async () => {
    await expectExact(3)
    await createPost(db, post('um'))
    await createPosts(db, [post('dois'), post('três'), post('quatro')])
    await expectExact(7)
  })

  it('follows deletes and a truncate, and a statement that changes no row leaves it as it was', async () => {
    await createPosts(db, [post('a'), post('b')])
    await db`delete from posts where titulo in ('a', 'b')`
    await db`delete from posts where false`
    await db`insert into posts (titulo, conteudo) select 'x', 'y' where false`
    await expectExact(3)
    await db`truncate posts`
    await expectExact(0)
    await createPost(db, post('depois'))
    await expectExact(1)
  })

  it('leaves out what a transaction rolled back, and counts it as seen from inside it', async () => {
    let inside: number | undefined
    const rolledBack = db.begin(async (tx) => {
      await tx`insert into posts (titulo, conteudo) values ('desfeito', 'x')`
      const [row] = await tx<{ total: number }[]>`select sum(total)::int as total from posts_count`
      inside = row?.total
      throw new Error('roll back')
    })
    await expect(rolledBack).rejects.toThrow('roll back')
    expect(inside).toBe(4)
    await expectExact(3)
  })

  it('stays exact while 16 connections insert and delete at once', async () => {
    const writers = createDb(database.url, { max: 16 })
    try {
      await Promise.all(
        Array.from({ length: 16 }, async (_, writer) => {
          for (let round = 0; round < 20; round++) {
            await createPosts(writers, [
              post(`w${writer}-${round}-a`),
              post(`w${writer}-${round}-b`),
            ])
            if (round % 4 === 0)
              await writers`delete from posts where titulo = ${`w${writer}-${round}-a`}`
          }
        }),
      )
    } finally {
      await writers.end()
    }
    await expectExact(3 + 16 * 20 * 2 - 16 * 5)
  })

  it('is counted should the kept rows be gone', async () => {
    await db`delete from posts_count`
    expect(await countPosts(db)).toBe(3)
    const page = JSON.parse(await pageOfPostsJson(db, { limit: 1, offset: 0 })) as { total: number }
    expect(page.total).toBe(3)
  })
})
