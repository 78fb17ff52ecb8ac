import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StubResponse {
  status: number
  /** Sent as JSON unless `raw` is given. */
  body?: unknown
  raw?: string
  headers?: Record<string, string>
}

/** Keyed by `METHOD /path`; `'no answer'` keeps the request open until the stub closes. */
export type StubRoutes = Record<string, StubResponse | 'no answer'>

export interface StubApi {
  url: string
  close(): Promise<void>
}

/** A real HTTP server that answers fixed responses, to show how checks judge a misbehaving API. */
export async function startStubApi(routes: StubRoutes): Promise<StubApi> {
  const server = createServer((request, response) => {
    const route = routes[`${request.method} ${request.url}`]
    request.resume()
    if (route === 'no answer') return
    respond(response, route ?? { status: 404, body: { erro: 'Rota não encontrada' } })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function respond(response: ServerResponse, { status, body, raw, headers = {} }: StubResponse) {
  const isJson = raw === undefined
  response.writeHead(status, {
    'content-type': isJson ? 'application/json' : 'text/html',
    ...headers,
  })
  response.end(isJson ? JSON.stringify(body) : raw)
}
