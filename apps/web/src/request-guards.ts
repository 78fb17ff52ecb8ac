import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ApiError } from './errors.js'

export const MAX_BODY_BYTES = 64 * 1024

export const limitBody: MiddlewareHandler = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, 'Corpo da requisição maior que 64 KiB')
  },
})

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i

/** 415 unless the body is declared JSON; 400 unless it parses. The parsed body stays cached for the validator. */
export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  const mediaType = c.req.header('content-type')?.split(';')[0]?.trim() ?? ''
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new ApiError(415, 'O corpo da requisição deve ser JSON (Content-Type: application/json)')
  }
  try {
    await c.req.json()
  } catch {
    throw new ApiError(400, 'JSON malformado no corpo da requisição')
  }
  await next()
}
