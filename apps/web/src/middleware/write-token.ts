import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { errorResponse } from '../errors.js'

const BEARER = /^Bearer +(\S+) *$/i

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Whether `given` is the token. Both sides are hashed first, so the comparison always covers 32 bytes and takes
 * the same time whatever the length or the content of what a client sent.
 */
export function isWriteToken(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected)
}

/**
 * With a token, lets a request through only when it carries `Authorization: Bearer <token>`; otherwise 401 with
 * `WWW-Authenticate: Bearer`. Without one, lets everything through: the API stays open.
 */
export function requireWriteToken(token: string | undefined): MiddlewareHandler {
  if (token === undefined) return (_c, next) => next()
  const expected = digest(token)
  return async (c, next) => {
    const given = BEARER.exec(c.req.header('authorization') ?? '')?.[1]
    if (given !== undefined && isWriteToken(given, expected)) return next()
    c.header('WWW-Authenticate', given === undefined ? 'Bearer' : 'Bearer error="invalid_token"')
    return errorResponse(c, 401, 'Token de escrita ausente ou inválido')
  }
}
