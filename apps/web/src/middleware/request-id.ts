import { randomUUID } from 'node:crypto'

export const REQUEST_ID_HEADER = 'X-Request-Id'

/** What an incoming id may be; anything else could forge or break a log line, so it is replaced, never echoed. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** The id of a request: the caller's `X-Request-Id` when it is sane, otherwise a new UUID. */
export function requestIdFrom(incoming: string | undefined): string {
  return incoming !== undefined && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID()
}
