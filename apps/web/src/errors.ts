import type { ErrorBody, ErrorDetail } from '@repo/contracts/errors'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { z } from 'zod'

/** An expected failure: answered with its status and the contract's error body. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    message: string,
    readonly detalhes?: ErrorDetail[],
  ) {
    super(status, { message })
  }
}

/** What went wrong when the answer is 5xx, for the request's log line: a fixed word, never a message. */
export type ErrorKind =
  | 'database unavailable'
  | 'cache unavailable'
  | 'timeout'
  | 'event streams full'
  | 'overloaded'
  | 'unexpected'

/** A 503 the app answers on purpose, with the kind of failure it stands for. */
export class ServiceUnavailable extends ApiError {
  constructor(
    message: string,
    readonly kind: ErrorKind,
  ) {
    super(503, message)
  }
}

export const cacheUnavailable = () =>
  new ServiceUnavailable('Cache indisponível', 'cache unavailable')
export const requestTimedOut = () =>
  new ServiceUnavailable('Tempo limite da requisição esgotado', 'timeout')

export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  erro: string,
  detalhes?: ErrorDetail[],
) {
  const body: ErrorBody = detalhes ? { erro, detalhes } : { erro }
  return c.json(body, status)
}

export function toErrorDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    caminho: issue.path.map(String).join('.'),
    mensagem: issue.message,
  }))
}
