import { PostSchema } from '@repo/contracts/posts'
import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { createTestKeyspace, type TestKeyspace } from '@repo/testing/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppProcess, startAppProcess } from '../support/child-process.js'
import { type EventStreamReader, openEventStream } from '../support/event-stream.js'
import { postJson, send } from '../support/http.js'

// Two processes on one database and one Redis, as two replicas behind a load balancer: what happens through
// one of them reaches the event streams of the other, through PostgreSQL LISTEN/NOTIFY.
describe('two instances on one database', () => {
  let database: TestDatabase
  let keyspace: TestKeyspace
  let a: AppProcess
  let b: AppProcess
  let streamOnB: EventStreamReader

  beforeAll(async () => {
    database = await createTestDatabase()
    keyspace = createTestKeyspace()
    const shared = {
      databaseUrl: database.url,
      keyPrefix: keyspace.prefix,
      env: { LOG_LEVEL: 'warn' },
    }
    ;[a, b] = await Promise.all([startAppProcess(shared), startAppProcess(shared)])
    streamOnB = await openEventStream(`${b.url}/api/events`)
    await streamOnB.waitFor('pronto')
  })

  afterAll(async () => {
    streamOnB?.close()
    await Promise.allSettled([a?.cleanup(), b?.cleanup()])
    await Promise.allSettled([database?.drop(), keyspace?.clear()])
  })

  it('a post created through A reaches a stream open on B within a second', async () => {
    const started = performance.now()
    const { body } = await send(
      `${a.url}/api/posts`,
      postJson({ titulo: 'de A', conteudo: 'para B' }),
    )
    const post = PostSchema.parse(body)

    const event = await streamOnB.waitFor(
      'post',
      (data) => (data as { id: number }).id === post.id,
      1_000,
    )

    expect(performance.now() - started).toBeLessThan(1_000)
    expect(JSON.parse(event.data)).toEqual(post)
  })

  it('the counter incremented through A reaches the stream on B within a second', async () => {
    const { body } = await send(`${a.url}/api/contador`)
    const { contador } = body as { contador: number }

    await streamOnB.waitFor(
      'contador',
      (data) => (data as { contador: number }).contador === contador,
      1_000,
    )
  })
})
