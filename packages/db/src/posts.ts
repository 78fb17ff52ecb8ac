import type { Db } from './client.js'
import { EVENTS_CHANNEL } from './events.js'

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
    select '{"total":' || (select count(*) from posts) || ',"posts":['
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

export async function countPosts(db: Db): Promise<number> {
  const [row] = await db<{ total: number }[]>`select count(*)::int as total from posts`
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
