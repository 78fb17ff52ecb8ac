import type { Db } from '@repo/db/client'
import { type ChangeEvent, listenForChanges, notifyChange } from '@repo/db/events'
import { describeError, type Logger } from '../logger.js'
import type { Queries } from '../metrics/db-queries.js'
import { toPost } from '../routes/posts.js'
import type { EventHub } from './hub.js'

/** A counter value is announced at most this often per instance, carrying the latest one. */
export const COUNTER_ANNOUNCE_INTERVAL_MS = 200

export interface FanOut {
  /** Resolves once this instance listens to the database's announcements; rejects while it cannot reach it. */
  listening(): Promise<void>
  /** The counter changed on this instance: tell every instance (throttled, never blocks the caller). */
  counterChanged(value: number): void
  /** Stops announcing; the listening connection closes with the pool. */
  close(): void
}

/**
 * Connects the hub of this instance to every other one through PostgreSQL LISTEN/NOTIFY: the post's own INSERT
 * announces it (see @repo/db/posts), the counter is announced here, and each instance passes what it hears on to
 * its open streams. Listening starts with the first stream, so an instance nobody watches holds no extra connection.
 */
export function databaseFanOut({
  db,
  queries,
  hub,
  logger,
}: {
  db: Db
  queries: Queries
  hub: EventHub
  logger: Logger
}): FanOut {
  let listening: Promise<void> | undefined
  let attempts = 0
  let listens = 0
  let pendingCounter: number | undefined
  let counterTimer: NodeJS.Timeout | undefined

  const onChange = async (change: ChangeEvent) => {
    if (hub.size === 0) return
    if (change.tipo === 'contador') {
      hub.broadcast({ event: 'contador', data: { contador: change.contador } })
      return
    }
    try {
      const row = await queries.getPost(change.id)
      if (row) hub.broadcast({ event: 'post', data: toPost(row) })
    } catch (error) {
      logger.warn(
        { ...describeError(error), postId: change.id },
        'could not read an announced post',
      )
    }
  }

  const onListen = () => {
    // postgres.js listens again by itself after its connection was lost; what was announced meanwhile is gone.
    if (listens++ > 0) hub.broadcast({ event: 'sincronizar', data: {} })
  }

  const announceCounter = () => {
    counterTimer = undefined
    const contador = pendingCounter
    pendingCounter = undefined
    if (contador === undefined) return
    notifyChange(db, { tipo: 'contador', contador }).catch((error: unknown) =>
      logger.debug(describeError(error), 'could not announce the counter'),
    )
  }

  return {
    listening() {
      if (listening) return listening
      // A listen that failed stays registered in postgres.js and may come alive later, beside the next attempt:
      // only the latest attempt's callbacks count, so that nothing is passed on twice.
      const attempt = ++attempts
      const isLatest = () => attempt === attempts
      listening = listenForChanges(
        db,
        (change) => {
          if (isLatest()) void onChange(change)
        },
        () => {
          if (isLatest()) onListen()
        },
      ).then(
        () => {},
        (error: unknown) => {
          listening = undefined
          throw error
        },
      )
      return listening
    },
    counterChanged(value) {
      pendingCounter = Math.max(pendingCounter ?? value, value)
      counterTimer ??= setTimeout(announceCounter, COUNTER_ANNOUNCE_INTERVAL_MS)
    },
    close() {
      clearTimeout(counterTimer)
      counterTimer = undefined
      pendingCounter = undefined
    },
  }
}
