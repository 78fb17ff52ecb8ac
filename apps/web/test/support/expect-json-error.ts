import { type ErrorBody, ErrorSchema } from '@repo/contracts/errors'
import type { RawResponse } from '@repo/testing/raw-http'
import { expect } from 'vitest'

/** Asserts `status` with the contract's error body as JSON (`{erro, detalhes?}`, nothing else); returns the body. */
export async function expectJsonError(
  response: Response | RawResponse | undefined,
  status: number,
): Promise<ErrorBody> {
  expect(response?.status).toBe(status)
  const [type, text] =
    response instanceof Response
      ? [response.headers.get('content-type'), await response.text()]
      : [response?.headers['content-type'], response?.body ?? '']
  expect(type).toMatch(/^application\/json/)
  return ErrorSchema.strict().parse(JSON.parse(text))
}
