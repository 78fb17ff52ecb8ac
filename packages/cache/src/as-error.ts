/** `error` as an Error: a rejection or a thrown value need not be one. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
