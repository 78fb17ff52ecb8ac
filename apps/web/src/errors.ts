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

export const cacheUnavailable = () => new ApiError(503, 'Cache indisponível')

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
