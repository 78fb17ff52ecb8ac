import { ErrorSchema } from '@repo/contracts/errors'
import type { z } from 'zod'
import { CheckFailure } from '../check.js'
import type { HttpResponse } from '../http.js'

const MAX_ISSUES_SHOWN = 3

/** Fails unless the status is one of `expected`; the reason quotes the API's `erro` when there is one. */
export function expectStatus(response: HttpResponse, ...expected: number[]): void {
  if (expected.includes(response.status)) return
  const error = ErrorSchema.safeParse(response.json)
  const why = error.success
    ? `: ${error.data.erro}`
    : response.json === undefined
      ? ': body is not JSON'
      : ''
  throw new CheckFailure(`HTTP ${response.status} (expected ${expected.join(' or ')})${why}`)
}

/** Validates the body against a shared contract schema and returns the parsed value. */
export function parseBody<Schema extends z.ZodType>(
  schema: Schema,
  response: HttpResponse,
): z.output<Schema> {
  if (response.json === undefined) {
    throw new CheckFailure(`HTTP ${response.status}: body is not JSON`)
  }
  const result = schema.safeParse(response.json)
  if (result.success) return result.data
  throw new CheckFailure(
    `HTTP ${response.status}: body does not match the contract: ${formatIssues(result.error.issues)}`,
  )
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues
    .slice(0, MAX_ISSUES_SHOWN)
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
  const hidden = issues.length - shown.length
  return [...shown, ...(hidden > 0 ? [`and ${hidden} more`] : [])].join('; ')
}
