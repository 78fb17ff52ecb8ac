import type { Context, TypedResponse } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { z } from 'zod'

const JSON_TYPE = { 'Content-Type': 'application/json' }

/**
 * An answer whose JSON is already text (from the cache or from PostgreSQL), sent as it is, with the headers
 * `c.json` would set. Typed as a value of `schema`, which the text holds, so that an OpenAPI route's handler still
 * checks; the text is not checked against it.
 */
export function jsonText<T extends z.ZodType, S extends ContentfulStatusCode>(
  c: Context,
  _schema: T,
  text: string,
  status: S,
): Response & TypedResponse<z.output<T>, S, 'json'> {
  return c.body(text, status, JSON_TYPE) as unknown as Response &
    TypedResponse<z.output<T>, S, 'json'>
}
