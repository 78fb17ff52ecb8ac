import { CheckFailure } from './check.js'

export interface HttpResponse {
  status: number
  headers: Headers
  /** The parsed JSON body, or `undefined` when the body is not JSON. */
  json: unknown
}

export interface HttpClient {
  /** With `requestId`, sent as `X-Request-Id`, so that the API's log lines of this request can be found. */
  request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    requestId?: string,
  ): Promise<HttpResponse>
}

export interface HttpClientOptions {
  apiUrl: string
  timeoutMs: number
  /** Sent as `Authorization: Bearer <token>` on every POST. */
  writeToken?: string
  /** Aborts every request in flight, e.g. on shutdown. */
  signal: AbortSignal
}

/** Sends JSON requests to the API; a network error or a timeout becomes a CheckFailure. */
export function createHttpClient({
  apiUrl,
  timeoutMs,
  writeToken,
  signal,
}: HttpClientOptions): HttpClient {
  return {
    async request(method, path, body, requestId) {
      const timeout = AbortSignal.timeout(timeoutMs)
      try {
        const response = await fetch(`${apiUrl}${path}`, {
          method,
          headers: {
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(requestId === undefined ? {} : { 'x-request-id': requestId }),
            ...(method === 'POST' && writeToken !== undefined
              ? { authorization: `Bearer ${writeToken}` }
              : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          // A redirect is a wrong status for this API, so it is reported instead of followed.
          redirect: 'manual',
          signal: AbortSignal.any([signal, timeout]),
        })
        const text = await response.text()
        return { status: response.status, headers: response.headers, json: parseJson(text) }
      } catch (error) {
        if (signal.aborted) throw error
        if (timeout.aborted) throw new CheckFailure(`timeout after ${timeoutMs} ms`)
        throw new CheckFailure(`network error: ${describeNetworkError(error)}`)
      }
    },
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** fetch hides the socket error behind `TypeError: fetch failed`; its cause says what happened. */
function describeNetworkError(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code
    if (cause.message) return cause.message
    if (typeof code === 'string') return code
  }
  return error instanceof Error ? error.message : String(error)
}
