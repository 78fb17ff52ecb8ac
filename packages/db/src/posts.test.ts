import { eventually } from '@repo/testing/eventually'
import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from './client.js'
import { listenForChanges } from './events.js'
import { migrate } from './migrate.js'
import {
  countPosts,
  createPost,
  createPosts,
  createPostsTogether,
  getPost,
  INSERT_BATCHES_IN_FLIGHT,
  listPosts,
  type NewPostRow,
  pageOfPostsJson,
} from './posts.js'

let database: TestDatabase
let db: Db

beforeAll(async () => {
  database = await createTestDatabase()
  db = createDb(database.url)
  await migrate(db)
})

afterAll(async () => {
  await db.end()
  await database.drop()
})

/** A post dated in the far future heads the newest-first list, whatever else the table holds. */
async function insertDated(titulo: string, dataCriacao: string): Promise<number> {
  const [row] = await db<{ id: number }[]>`
    insert into posts (titulo, conteudo, autor, data_criacao)
    values (${titulo}, 'conteúdo', 'Teste', ${dataCriacao})
    returning id
  `
  if (!row) throw new Error('insert returned no row')
  return row.id
}

describe('createPost', () => {
  it('returns the stored row with its id and a Date, and the post then heads the list', async () => {
    const before = Date.now()

    const post = await createPost(db, { titulo: 'Olá', conteudo: 'Mundo', autor: 'Você' })

    expect(post).toMatchObject({ titulo: 'Olá', conteudo: 'Mundo', autor: 'Você' })
    expect(post.id).toBeGreaterThan(0)
    expect(post.data_criacao).toBeInstanceOf(Date)
    expect(post.data_criacao.getTime()).toBeGreaterThanOrEqual(before - 1_000)
    expect(await listPosts(db, { limit: 1, offset: 0 })).toEqual([post])
  })

  it('stores SQL-looking text and Unicode exactly as given', async () => {
    const titulo = "'); drop table posts; --"
    const conteudo = 'Ação, café, 日本語, emoji 🐳, aspas "duplas" e \\ barra'

    const post = await createPost(db, { titulo, conteudo, autor: 'Zoë' })

    expect(await getPost(db, post.id)).toMatchObject({ titulo, conteudo, autor: 'Zoë' })
  })

  it('rejects a title longer than the column allows', async () => {
    const titulo = 'x'.repeat(201)

    await expect(createPost(db, { titulo, conteudo: 'c', autor: 'a' })).rejects.toThrow(/too long/)
  })
})

/** Ids announced on EVENTS_CHANNEL while `action` runs, once they have all arrived. */
async function announcedDuring(action: () => Promise<number[]>): Promise<number[]> {
  const heard: number[] = []
  const listener = await listenForChanges(db, (event) => {
    if (event.tipo === 'post') heard.push(event.id)
  })
  try {
    const ids = await action()
    await eventually(() => expect(heard).toHaveLength(ids.length))
    return heard
  } finally {
    await listener.unlisten()
  }
}

const newPosts = (count: number, titulo: string): NewPostRow[] =>
  Array.from({ length: count }, (_, i) => ({
    titulo: `${titulo} ${i}`,
    conteudo: `c${i}`,
    autor: `a${i}`,
  }))

describe('createPosts', () => {
  it('stores every post, its text exactly as given, and returns the rows in the order given, each announced', async () => {
    const awkward = { titulo: 'NULL', conteudo: '{a,"b"}\\ \n\t, \u2028 🐳', autor: ' ' }
    const posts = [
      ...newPosts(5, 'lote'),
      { titulo: 'Ação', conteudo: "'); --", autor: '' },
      awkward,
    ]
    let rows: Awaited<ReturnType<typeof createPosts>> = []

    const heard = await announcedDuring(async () => {
      rows = await createPosts(db, posts)
      return rows.map((row) => row.id)
    })

    expect(rows.map(({ titulo, conteudo, autor }) => ({ titulo, conteudo, autor }))).toEqual(posts)
    expect(new Set(rows.map((row) => row.id)).size).toBe(posts.length)
    expect(heard.sort()).toEqual(rows.map((row) => row.id).sort())
    for (const row of rows) expect(await getPost(db, row.id)).toEqual(row)
  })

  it('stores nothing when one post is refused', async () => {
    const before = await countPosts(db)
    const posts = [...newPosts(2, 'antes'), { titulo: 'x'.repeat(201), conteudo: 'c', autor: 'a' }]

    await expect(createPosts(db, posts)).rejects.toThrow(/too long/)
    expect(await countPosts(db)).toBe(before)
  })
})

describe('createPostsTogether', () => {
  it('inserts posts created while a batch is in flight in fewer statements, each caller getting its own row', async () => {
    const statements: string[] = []
    const counting = createDb(database.url, { onQuery: (query) => statements.push(query) })
    try {
      const create = createPostsTogether(counting)
      const posts = newPosts(40, 'juntos')
      const before = await countPosts(db)

      const rows = await Promise.all(posts.map((post) => create(post)))

      expect(rows.map(({ titulo, conteudo, autor }) => ({ titulo, conteudo, autor }))).toEqual(
        posts,
      )
      expect(await countPosts(db)).toBe(before + posts.length)
      const inserts = statements.filter((query) => /insert into posts/i.test(query))
      // The first calls each start a batch, alone; the rest wait and go in together.
      expect(inserts.length).toBeLessThanOrEqual(INSERT_BATCHES_IN_FLIGHT * 2)
      expect(inserts.filter((query) => /unnest/i.test(query)).length).toBeGreaterThan(0)
    } finally {
      await counting.end()
    }
  })

  it('announces every post of a batch', async () => {
    const create = createPostsTogether(db)
    const heard = await announcedDuring(async () => {
      const rows = await Promise.all(newPosts(12, 'anunciado').map((post) => create(post)))
      return rows.map((row) => row.id)
    })
    expect(new Set(heard).size).toBe(12)
  })

  it('fails only the post the database refuses: the others of its batch are inserted alone', async () => {
    const create = createPostsTogether(db)
    const good = newPosts(6, 'vizinho')
    const bad: NewPostRow = { titulo: 'x'.repeat(201), conteudo: 'c', autor: 'a' }
    const calls = [...good.slice(0, 3), bad, ...good.slice(3)].map((post) => create(post))

    const outcomes = await Promise.allSettled(calls)

    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      ...['fulfilled', 'fulfilled', 'fulfilled'],
      'rejected',
      ...['fulfilled', 'fulfilled', 'fulfilled'],
    ])
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({ code: '22001' })
    const stored = await db<
      { titulo: string }[]
    >`select titulo from posts where titulo like 'vizinho %'`
    expect(stored.map((row) => row.titulo).sort()).toEqual(good.map((post) => post.titulo).sort())
  })
})

describe('getPost', () => {
  it('returns the post with that id', async () => {
    const id = await insertDated('encontrado', '2020-01-01T00:00:00.000Z')

    expect(await getPost(db, id)).toEqual({
      id,
      titulo: 'encontrado',
      conteudo: 'conteúdo',
      autor: 'Teste',
      data_criacao: new Date('2020-01-01T00:00:00.000Z'),
    })
  })

  it('returns undefined for an id no post has', async () => {
    expect(await getPost(db, 2_147_483_647)).toBeUndefined()
  })
})

describe('listPosts', () => {
  it('puts the newest first and, at the same creation time, the higher id first', async () => {
    const older = await insertDated('mais antigo', '2999-01-01T00:00:00.000Z')
    const tiedFirst = await insertDated('empate 1', '2999-01-02T00:00:00.000Z')
    const tiedSecond = await insertDated('empate 2', '2999-01-02T00:00:00.000Z')

    const posts = await listPosts(db, { limit: 3, offset: 0 })

    expect(posts.map((post) => post.id)).toEqual([tiedSecond, tiedFirst, older])
  })

  it('skips offset posts and returns at most limit', async () => {
    const ids: number[] = []
    for (const day of ['10', '11', '12']) {
      ids.push(await insertDated(`página ${day}`, `3000-01-${day}T00:00:00.000Z`))
    }

    const posts = await listPosts(db, { limit: 2, offset: 1 })

    expect(posts.map((post) => post.id)).toEqual([ids[1], ids[0]])
  })

  it('returns nothing when the offset is past the last post', async () => {
    expect(await listPosts(db, { limit: 10, offset: await countPosts(db) })).toEqual([])
  })
})

describe('pageOfPostsJson', () => {
  /** What the app would serialise from listPosts and countPosts: the text pageOfPostsJson must equal. */
  async function serialisedInJavaScript(limit: number, offset: number): Promise<string> {
    const [total, rows] = await Promise.all([countPosts(db), listPosts(db, { limit, offset })])
    const posts = rows.map((row) => ({ ...row, data_criacao: row.data_criacao.toISOString() }))
    return JSON.stringify({ total, posts })
  }

  it('is, byte for byte, the JSON of listPosts and countPosts, for any text and any instant', async () => {
    const awkward = [
      'aspas "duplas", barra \\ e /',
      'controle \u0001\u001f\u007f, linhas\n\r\t, separador \u2028',
      'Ação, café, 日本語, emoji 🐳, </script>',
    ]
    const instants = [
      '3100-01-01 00:00:00.999999+00',
      '3100-01-01 00:00:00.0005+00',
      '3100-01-01 12:34:56.123456-03',
      '3100-01-01 23:59:59.9999+14',
    ]
    for (const [i, instant] of instants.entries()) {
      const [row] = await db`
        insert into posts (titulo, conteudo, autor, data_criacao)
        values (${awkward[i % awkward.length] ?? ''}, ${awkward[(i + 1) % awkward.length] ?? ''},
          ${awkward[(i + 2) % awkward.length] ?? ''}, ${instant})
        returning id
      `
      expect(row).toBeDefined()
    }

    for (const [limit, offset] of [
      [4, 0],
      [50, 0],
      [2, 3],
    ] as const) {
      expect(await pageOfPostsJson(db, { limit, offset })).toBe(
        await serialisedInJavaScript(limit, offset),
      )
    }
  })

  it('past the last post, is an empty page that still counts every post', async () => {
    const total = await countPosts(db)
    expect(await pageOfPostsJson(db, { limit: 10, offset: total })).toBe(
      `{"total":${total},"posts":[]}`,
    )
  })
})

describe('countPosts', () => {
  it('counts every post and goes up by one for each post created', async () => {
    const [row] = await db<{ total: string }[]>`select count(*) as total from posts`
    const before = await countPosts(db)

    await createPost(db, { titulo: 't', conteudo: 'c', autor: 'a' })

    expect(before).toBe(Number(row?.total))
    expect(await countPosts(db)).toBe(before + 1)
  })
})
