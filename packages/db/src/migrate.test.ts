import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDb, type Db } from './client.js'
import { migrate, readMigrations } from './migrate.js'
import { countPosts } from './posts.js'

// Each test migrates a database of its own, because every test here starts from an empty one.
let database: TestDatabase
let db: Db

beforeEach(async () => {
  database = await createTestDatabase()
  db = createDb(database.url)
})

afterEach(async () => {
  await db.end()
  await database.drop()
})

const folders: string[] = []

afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })))
})

async function migrationsFolder(files: Record<string, string>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'migrations-'))
  folders.push(folder)
  for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text)
  return folder
}

async function tableExists(name: string): Promise<boolean> {
  const [row] = await db<{ exists: boolean }[]>`select to_regclass(${name}) is not null as exists`
  return row?.exists ?? false
}

const everyPost = () => db`select * from posts order by id`

describe('migrate with the package migrations', () => {
  it('gives an empty database the posts table holding exactly the 3 initial posts', async () => {
    const { applied } = await migrate(db)

    expect(applied).toEqual(['0001_create_posts.sql', '0002_count_posts.sql'])
    const posts = await everyPost()
    expect(posts).toHaveLength(3)
    expect(posts[0]).toMatchObject({ titulo: 'Bem-vindo ao Docker Compose', autor: 'Equipe' })
  })

  it('applies nothing and changes nothing when run a second time', async () => {
    await migrate(db)
    const postsBefore = await everyPost()
    const recordBefore = await db`select * from schema_migrations`

    expect(await migrate(db)).toEqual({ applied: [] })
    expect(await everyPost()).toEqual(postsBefore)
    expect(await db`select * from schema_migrations`).toEqual(recordBefore)
  })

  it('runs each migration once when three processes migrate the same empty database at once', async () => {
    const processes = [1, 2, 3].map(() => createDb(database.url, { max: 1 }))
    try {
      const results = await Promise.all(processes.map((process) => migrate(process)))

      expect(results.flatMap((result) => result.applied)).toEqual([
        '0001_create_posts.sql',
        '0002_count_posts.sql',
      ])
      expect(await everyPost()).toHaveLength(3)
      expect(await db`select version, name from schema_migrations order by version`).toEqual([
        { version: 1, name: '0001_create_posts.sql' },
        { version: 2, name: '0002_count_posts.sql' },
      ])
    } finally {
      await Promise.all(processes.map((process) => process.end()))
    }
  })

  it('adopts a posts table the Flask version left behind, keeping and counting its posts and adding none', async () => {
    await db`
      create table posts (
        id serial primary key,
        titulo varchar(200) not null,
        conteudo text not null,
        autor varchar(100) default 'Anônimo',
        data_criacao timestamp default current_timestamp
      )
    `
    await db`insert into posts (titulo, conteudo) values ('Antigo', 'De antes da migração')`

    await migrate(db)

    expect(await db`select titulo from posts`).toEqual([{ titulo: 'Antigo' }])
    expect(await countPosts(db)).toBe(1)
    const [kept] = await db<{ total: number }[]>`select sum(total)::int as total from posts_count`
    expect(kept?.total).toBe(1)
  })
})

describe('migrate with a folder of its own', () => {
  it('applies only the migrations added since the last run', async () => {
    const directory = await migrationsFolder({ '0001_first.sql': 'create table first (id int);' })
    await migrate(db, { directory })
    await writeFile(join(directory, '0002_second.sql'), 'create table second (id int);')

    expect(await migrate(db, { directory })).toEqual({ applied: ['0002_second.sql'] })
    expect(await tableExists('second')).toBe(true)
    expect(await db`select version, name from schema_migrations order by version`).toEqual([
      { version: 1, name: '0001_first.sql' },
      { version: 2, name: '0002_second.sql' },
    ])
  })

  it('leaves the database as it was when a later migration fails', async () => {
    const directory = await migrationsFolder({
      '0001_good.sql': 'create table good (id int);',
      '0002_bad.sql': 'create table bad (id int); select * from missing_table;',
    })

    await expect(migrate(db, { directory })).rejects.toThrow(/missing_table/)

    expect(await tableExists('good')).toBe(false)
    expect(await tableExists('bad')).toBe(false)
    expect(await tableExists('schema_migrations')).toBe(false)
  })

  it('is not cut short by the statement timeout of the pool', async () => {
    const directory = await migrationsFolder({ '0001_slow.sql': 'select pg_sleep(0.5);' })
    const impatient = createDb(database.url, { statementTimeoutMs: 100 })
    try {
      expect(await migrate(impatient, { directory })).toEqual({ applied: ['0001_slow.sql'] })
    } finally {
      await impatient.end()
    }
  })

  it('refuses a badly named file before touching the database', async () => {
    const directory = await migrationsFolder({ 'create_posts.sql': 'create table posts (id int);' })

    await expect(migrate(db, { directory })).rejects.toThrow(/create_posts\.sql .*0001_name\.sql/)
    expect(await tableExists('schema_migrations')).toBe(false)
  })
})

describe('readMigrations', () => {
  it('orders the files by number, not by name, and ignores files that are not SQL', async () => {
    const directory = await migrationsFolder({
      '10_tenth.sql': '',
      '9_ninth.sql': '',
      'README.md': '',
    })

    expect(await readMigrations(directory)).toEqual([
      { version: 9, name: '9_ninth.sql' },
      { version: 10, name: '10_tenth.sql' },
    ])
  })

  it('refuses two files with the same number', async () => {
    const directory = await migrationsFolder({ '0001_a.sql': '', '01_b.sql': '' })

    await expect(readMigrations(directory)).rejects.toThrow(
      /0001_a\.sql and 01_b\.sql share the number 1/,
    )
  })
})
