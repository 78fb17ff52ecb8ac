// `pnpm --filter web notify-commits`: what a notify in the insert costs PostgreSQL's commits, measured on the
// database alone, without the app. `--clients` connections (32) insert in a loop for `--seconds` (5) each:
// - a plain insert, no notify: concurrent commits share their WAL flushes;
// - createPost (@repo/db/posts), the insert with its pg_notify: PostgreSQL takes one lock for the whole server to
//   commit a transaction that notifies, so these commit one at a time;
// - createPosts of `--rows` posts (8 and 32), a notify for each: one commit for all of them, as
//   createPostsTogether sends them under load.
// On a throwaway database of the test server (TEST_DATABASE_URL), dropped afterwards.
//   pnpm --filter web notify-commits [--clients 32] [--seconds 5] [--rows 8 --rows 32]

import { parseArgs } from 'node:util'
import { createDb, type Db } from '@repo/db/client'
import { migrate } from '@repo/db/migrate'
import { createPost, createPosts, type NewPostRow } from '@repo/db/posts'
import { createTestDatabase } from '@repo/testing/postgres'

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '5' },
    rows: { type: 'string', multiple: true, default: ['8', '32'] },
  },
})
const clients = Number(flags.clients)
const seconds = Number(flags.seconds)
const rowCounts = flags.rows.map(Number)

const POST: NewPostRow = {
  titulo: 'Post do benchmark',
  conteudo: 'Escrito por notify-commits.',
  autor: 'bench',
}

interface Case {
  label: string
  postsPerStatement: number
  insert: (db: Db) => Promise<unknown>
}

const cases: Case[] = [
  {
    label: 'insert, no notify',
    postsPerStatement: 1,
    insert: (db) =>
      db`insert into posts (titulo, conteudo, autor) values (${POST.titulo}, ${POST.conteudo}, ${POST.autor})`,
  },
  {
    label: 'createPost (insert and pg_notify)',
    postsPerStatement: 1,
    insert: (db) => createPost(db, POST),
  },
  ...rowCounts.map((rows) => ({
    label: `createPosts of ${rows}, a notify each`,
    postsPerStatement: rows,
    insert: (db: Db) =>
      createPosts(
        db,
        Array.from({ length: rows }, () => POST),
      ),
  })),
]

/** Statements per second: `clients` loops, each sending its next statement once the last one is answered. */
async function statementsPerSecond(db: Db, insert: Case['insert']): Promise<number> {
  const until = performance.now() + seconds * 1000
  let statements = 0
  const loop = async () => {
    while (performance.now() < until) {
      await insert(db)
      statements++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: clients }, loop))
  return statements / ((performance.now() - started) / 1000)
}

const FIGURE_WIDTHS = [11, 14, 10]
/** A line of the table: the statement, then its three figures right-aligned. */
const row = (label: string, ...figures: string[]) =>
  label.padEnd(38) + figures.map((figure, i) => figure.padStart(FIGURE_WIDTHS[i] ?? 0)).join('')
const thousands = (value: number) => Math.round(value).toLocaleString('en-US')

const database = await createTestDatabase()
const db = createDb(database.url, { max: clients })
process.once('SIGINT', () => {
  void db
    .end({ timeout: 0 })
    .then(() => database.drop())
    .finally(() => process.exit(130))
})
try {
  await migrate(db)
  console.log(
    `notify-commits: ${clients} connections, ${seconds} s per statement, database ${database.name}`,
  )
  console.log(row('statement', 'posts each', 'statements/s', 'posts/s'))
  for (const { label, postsPerStatement, insert } of cases) {
    const rate = await statementsPerSecond(db, insert)
    console.log(
      row(label, String(postsPerStatement), thousands(rate), thousands(rate * postsPerStatement)),
    )
  }
} finally {
  await db.end()
  await database.drop()
}
