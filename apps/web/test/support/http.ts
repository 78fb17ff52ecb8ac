/** A request that takes longer than this counts as hung. */
const HUNG_AFTER_MS = 15_000

export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }
}

export interface Answer {
  status: number
  body: unknown
  ms: number
}

/** The status, the JSON body and how long the answer took; rejects when the answer is not JSON. */
export async function timedJson(
  what: string,
  request: () => Response | Promise<Response>,
): Promise<Answer> {
  const started = performance.now()
  const response = await request()
  const type = response.headers.get('content-type') ?? ''
  if (!type.startsWith('application/json')) {
    throw new Error(`${what} answered ${response.status} with ${type}`)
  }
  const body: unknown = await response.json()
  return { status: response.status, body, ms: performance.now() - started }
}

/** One request over the network, read as JSON; rejects if no answer comes within 15 s. */
export function send(url: string, init: RequestInit = {}): Promise<Answer> {
  return timedJson(`${init.method ?? 'GET'} ${url}`, () =>
    fetch(url, { ...init, signal: AbortSignal.timeout(HUNG_AFTER_MS) }),
  )
}
