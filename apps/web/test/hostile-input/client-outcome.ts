import { ErrorSchema } from '@repo/contracts/errors'
import { expect } from 'vitest'

/** What a stack trace or a server path looks like in a body: `    at fn (`, `/src/x.ts:12`, `node_modules`. */
const LEAK = /\n\s+at |node_modules|file:\/\/|\/(?:src|dist|work|home|root|app)\/|\.[cm]?[jt]s:\d+/

/**
 * Asserts the only outcomes the contract allows for client input: 2xx with a JSON body, or 4xx with exactly
 * `{erro, detalhes?}`. Never 5xx, never a stack trace or a file path. Returns the parsed body.
 */
export async function expectClientOutcome(res: Response): Promise<unknown> {
  const text = await res.text()
  expect(text, 'the body leaks a stack trace or a path').not.toMatch(LEAK)
  const success = res.status >= 200 && res.status < 300
  const clientError = res.status >= 400 && res.status < 500
  expect(success || clientError, `status ${res.status}: ${text}`).toBe(true)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body: unknown = JSON.parse(text)
  if (res.status >= 400) ErrorSchema.strict().parse(body)
  return body
}

/** The paths (`caminho`) named by a 4xx body. */
export function errorPaths(body: unknown): string[] {
  return ErrorSchema.parse(body).detalhes?.map((detail) => detail.caminho) ?? []
}
