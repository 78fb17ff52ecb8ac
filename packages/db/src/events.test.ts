import { eventually } from '@repo/testing/eventually'
import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from './client.js'
import { type ChangeEvent, type ChangeListener, listenForChanges, notifyChange } from './events.js'
import { migrate } from './migrate.js'
import { createPost } from './posts.js'

let database: TestDatabase
/** The writer, and another client on the same database, as another instance of the app would be. */
let writer: Db
let other: Db
let listener: ChangeListener
const heard: ChangeEvent[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  writer = createDb(database.url)
  other = createDb(database.url)
  await migrate(writer)
  listener = await listenForChanges(other, (event) => heard.push(event))
})

afterAll(async () => {
  await listener?.unlisten()
  await Promise.all([writer?.end(), other?.end()])
  await database?.drop()
})

describe('change notifications', () => {
  it('a created post is announced, with its id, to a listener on another connection', async () => {
    const post = await createPost(writer, { titulo: 'anunciado', conteudo: 'c', autor: 'a' })

    await eventually(() => expect(heard).toContainEqual({ tipo: 'post', id: post.id }))
  })

  it('a post whose transaction rolls back is never announced', async () => {
    let rolledBackId = 0
    await writer
      .begin(async (transaction) => {
        const post = await createPost(transaction as unknown as Db, {
          titulo: 'desfeito',
          conteudo: 'c',
          autor: 'a',
        })
        rolledBackId = post.id
        throw new Error('roll back')
      })
      .catch(() => {})
    // A later announcement arrives after any earlier one would have: notifications keep commit order.
    const after = await createPost(writer, { titulo: 'depois', conteudo: 'c', autor: 'a' })

    await eventually(() => expect(heard).toContainEqual({ tipo: 'post', id: after.id }))
    expect(rolledBackId).toBeGreaterThan(0)
    expect(heard).not.toContainEqual({ tipo: 'post', id: rolledBackId })
  })

  it('a counter value is announced as it was sent', async () => {
    await notifyChange(writer, { tipo: 'contador', contador: 41 })

    await eventually(() => expect(heard).toContainEqual({ tipo: 'contador', contador: 41 }))
  })

  it('a payload that is not one of ours on the channel is ignored', async () => {
    const before = heard.length
    await writer`select pg_notify('eventos_api', 'not json')`
    await writer`select pg_notify('eventos_api', ${JSON.stringify({ tipo: 'post', id: 'x' })})`
    await notifyChange(writer, { tipo: 'contador', contador: 42 })

    await eventually(() => expect(heard).toContainEqual({ tipo: 'contador', contador: 42 }))
    expect(heard.slice(before)).toEqual([{ tipo: 'contador', contador: 42 }])
  })
})
