import { randomUUID } from 'node:crypto'
import type { Duplex } from 'node:stream'
import type { ErrorBody } from '@repo/contracts/errors'
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ApiError } from './errors.js'
import { REQUEST_ID_HEADER } from './middleware/request-id.js'

export const MAX_BODY_BYTES = 64 * 1024

const tooLarge = () => new ApiError(413, 'Corpo da requisição maior que 64 KiB')

const countingBodyLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw tooLarge()
  },
})

/**
 * 413 past MAX_BODY_BYTES. A body of declared length (Node's parser holds it to that length) is judged by its
 * Content-Length alone, as hono/body-limit does, but without asking for the request's web stream first: on
 * @hono/node-server that builds a full Request with a ReadableStream body, the largest cost of a POST. A chunked
 * body is counted as it arrives, by hono/body-limit.
 */
export const limitBody: MiddlewareHandler = (c, next) => {
  const length = c.req.header('content-length')
  if (length === undefined || c.req.header('transfer-encoding') !== undefined) {
    return countingBodyLimit(c, next)
  }
  if (Number.parseInt(length, 10) > MAX_BODY_BYTES) throw tooLarge()
  return next()
}

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

const UNPARSABLE: Record<string, [status: number, reason: string, erro: string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'Cabeçalhos da requisição grandes demais',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'Tempo para enviar a requisição esgotado'],
}
const MALFORMED: [number, string, string] = [400, 'Bad Request', 'Requisição HTTP malformada']

/**
 * For the server's `clientError` event: a request that Node's HTTP parser rejects never reaches the app, and Node
 * would answer it with an empty body. This answers with the contract's JSON error instead, as Node does only when
 * nothing was written on the connection yet, then closes it.
 */
export function answerUnparsableRequest(error: Error & { code?: string }, socket: Duplex): void {
  const { bytesWritten = 0 } = socket as Duplex & { bytesWritten?: number }
  if (!socket.writable || bytesWritten > 0 || error.code === 'ECONNRESET') {
    socket.destroy()
    return
  }
  const [status, reason, erro] = UNPARSABLE[error.code ?? ''] ?? MALFORMED
  const body = JSON.stringify({ erro } satisfies ErrorBody)
  socket.end(
    [
      `HTTP/1.1 ${status} ${reason}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'X-Content-Type-Options: nosniff',
      // A new id: nothing of a request that could not be parsed is trusted, its X-Request-Id included.
      `${REQUEST_ID_HEADER}: ${randomUUID()}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  )
}
