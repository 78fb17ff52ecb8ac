import type { Db } from './client.js'

/**
 * The channel of PostgreSQL LISTEN/NOTIFY on which every instance of the app announces what changed, so that each
 * one can tell its own open event streams. Notifications are per database: apps on one database hear each other.
 */
export const EVENTS_CHANNEL = 'eventos_api'

/** What a notification says. Small on purpose: a payload is limited to 8000 bytes, a post is not. */
export type ChangeEvent = { tipo: 'post'; id: number } | { tipo: 'contador'; contador: number }

/** Announces `event` to every listener of the database; delivered when the statement commits. */
export async function notifyChange(db: Db, event: ChangeEvent): Promise<void> {
  await db`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`
}

export interface ChangeListener {
  /** Stops listening; the dedicated connection closes with `db.end()`. */
  unlisten(): Promise<void>
}

/**
 * Calls `onChange` for every event announced on the database, from any instance. postgres.js listens on a
 * connection of its own, outside the pool, and listens again after that connection is lost; `onListen` runs each
 * time it is listening, so a caller can tell that notifications sent while it was not may have been missed.
 * Rejects when the database cannot be reached.
 */
export async function listenForChanges(
  db: Db,
  onChange: (event: ChangeEvent) => void,
  onListen: () => void = () => {},
): Promise<ChangeListener> {
  const { unlisten } = await db.listen(
    EVENTS_CHANNEL,
    (payload) => {
      const event = parseChange(payload)
      if (event) onChange(event)
    },
    onListen,
  )
  return { unlisten }
}

function parseChange(payload: string): ChangeEvent | undefined {
  try {
    const value = JSON.parse(payload) as Partial<Record<string, unknown>>
    if (value.tipo === 'post' && Number.isInteger(value.id)) return value as ChangeEvent
    if (value.tipo === 'contador' && Number.isInteger(value.contador)) return value as ChangeEvent
  } catch {
    // Someone else's payload on our channel: not ours to act on.
  }
  return undefined
}
