import { batched } from '@repo/async/batch'
import type { Db } from './client.js'
import { EVENTS_CHANNEL } from './events.js'
import { QueryDeadlineError, queryDeadlineMs } from './query-deadline.js'

export interface PostRow {
  id: number
  titulo: string
  conteudo: string
  autor: string
  data_criacao: Date
}

export interface NewPostRow {
  titulo: string
  conteudo: string
  autor: string
}

/** A page of posts, newest first: by creation time, then by id. */
export async function listPosts(
  db: Db,
  { limit, offset }: { limit: number; offset: number },
): Promise<PostRow[]> {
  return db<PostRow[]>`
    select id, titulo, conteudo, autor, data_criacao
    from posts
    order by data_criacao desc, id desc
    limit ${limit} offset ${offset}
  `
}

/**
 * A page of posts (newest first, as listPosts) and the number of all posts, in one round trip, as the JSON text
 * `{"total":N,"posts":[…]}`, built by PostgreSQL byte for byte as `JSON.stringify` builds it from listPosts'
 * rows: the same keys in the same order, no spaces, `data_criacao` as `Date.prototype.toISOString` writes it
 * (UTC, milliseconds truncated, `Z`). Concatenated rather than json_build_object, whose text has spaces.
 */
export async function pageOfPostsJson(
  db: Db,
  { limit, offset }: { limit: number; offset: number },
): Promise<string> {
  const [row] = await db<{ page: string }[]>`
    with page as (
      select id, titulo, conteudo, autor, data_criacao
      from posts
      order by data_criacao desc, id desc
      limit ${limit} offset ${offset}
    )
    select '{"total":'
      || coalesce((select sum(total) from posts_count), (select count(*) from posts))
      || ',"posts":['
      || coalesce(string_agg(post.json, ',' order by page.data_criacao desc, page.id desc), '')
      || ']}' as page
    from page
    cross join lateral (
      select row_to_json(fields)::text as json
      from (
        select page.id, page.titulo, page.conteudo, page.autor,
          to_char(page.data_criacao at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as data_criacao
      ) as fields
    ) as post
  `
  if (!row) throw new Error('the page query returned no row')
  return row.page
}

/**
 * The number of posts: the sum of the rows migration 0002's triggers keep (`count(*)` reads the whole table), or,
 * should they be gone, counted. The page's query says the same in its own text: a shared fragment would be built
 * again for every query.
 */
export async function countPosts(db: Db): Promise<number> {
  const [row] = await db<{ total: number }[]>`
    select coalesce((select sum(total) from posts_count), (select count(*) from posts))::int as total
  `
  return row?.total ?? 0
}

export async function getPost(db: Db, id: number): Promise<PostRow | undefined> {
  const [row] = await db<PostRow[]>`
    select id, titulo, conteudo, autor, data_criacao from posts where id = ${id}
  `
  return row
}

/**
 * Inserts a post and announces it on EVENTS_CHANNEL in the same statement, so in the same transaction: listeners
 * hear of the post exactly when it is committed, and never of one that was rolled back.
 */
export async function createPost(
  db: Db,
  { titulo, conteudo, autor }: NewPostRow,
): Promise<PostRow> {
  const [row] = await db<PostRow[]>`
    with created as (
      insert into posts (titulo, conteudo, autor)
      values (${titulo}, ${conteudo}, ${autor})
      returning id, titulo, conteudo, autor, data_criacao
    )
    select id, titulo, conteudo, autor, data_criacao
    from created, pg_notify(${EVENTS_CHANNEL}, json_build_object('tipo', 'post', 'id', id)::text)
  `
  if (!row) throw new Error('insert into posts returned no row')
  return row
}

/**
 * Inserts posts in one statement, each announced on EVENTS_CHANNEL as createPost announces one, and returns their
 * rows in the order given. The ids are drawn before the insert, in that order, so that each row is matched to its
 * input whatever order the insert returns them in.
 */
export async function createPosts(db: Db, posts: readonly NewPostRow[]): Promise<PostRow[]> {
  const rows = await db<PostRow[]>`
    with input as (
      select nextval(pg_get_serial_sequence('posts', 'id')) as id, titulo, conteudo, autor, position
      from unnest(
        ${posts.map((post) => post.titulo)}::text[],
        ${posts.map((post) => post.conteudo)}::text[],
        ${posts.map((post) => post.autor)}::text[]
      ) with ordinality as input (titulo, conteudo, autor, position)
    ), created as (
      insert into posts (id, titulo, conteudo, autor)
      select id, titulo, conteudo, autor from input
      returning id, titulo, conteudo, autor, data_criacao
    )
    select created.id, created.titulo, created.conteudo, created.autor, created.data_criacao
    from created
    join input using (id)
    cross join lateral pg_notify(${EVENTS_CHANNEL}, json_build_object('tipo', 'post', 'id', created.id)::text)
    order by input.position
  `
  if (rows.length !== posts.length) {
    throw new Error(`insert into posts returned ${rows.length} rows for ${posts.length}`)
  }
  return rows
}

/** How many batches of inserts createPostsTogether keeps in flight: 1 to 4 measured alike, 10 did less (README). */
export const INSERT_BATCHES_IN_FLIGHT = 2
/** The most posts in one batch: 64 posts of the 64 KiB a request may carry make a 4 MiB statement. */
export const INSERT_BATCH_MAX = 64

/**
 * createPost for many concurrent callers: posts created while INSERT_BATCHES_IN_FLIGHT inserts are in flight wait
 * for one of them to land, and go in together, in one statement (createPosts). PostgreSQL takes one lock for the
 * whole server to commit a transaction that notifies, so notifying inserts commit one at a time, and a statement of
 * many rows pays for that once. A post created while a batch is free goes in at once, alone (createPost). A post
 * waits at most the query deadline of `db` (QueryDeadlineError, never sent when it was still waiting). When a
 * batch fails on its data (SQLSTATE classes 22 and 23), each of its posts is inserted again, alone, so that one
 * post the database refuses fails alone. Make one per pool, and share it: each keeps its own batches.
 */
export function createPostsTogether(db: Db): (post: NewPostRow) => Promise<PostRow> {
  const deadline = queryDeadlineMs(db)
  return batched(
    (posts: NewPostRow[]) =>
      posts.length === 1 && posts[0]
        ? createPost(db, posts[0]).then((row) => [row])
        : createPosts(db, posts),
    {
      maxSize: INSERT_BATCH_MAX,
      concurrency: INSERT_BATCHES_IN_FLIGHT,
      maxWait:
        deadline === undefined
          ? undefined
          : { ms: deadline, waited: () => new QueryDeadlineError(deadline) },
      retryAlone: isDataError,
    },
  )
}

const isDataError = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'))
}
