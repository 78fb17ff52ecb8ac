import { Agent, request } from 'node:http'

export interface Call {
  method: 'GET' | 'POST'
  path: string
  body?: string
}

export interface Outcome {
  /** 0 for a network error or a request with no answer within the time limit. */
  status: number
  body: string
}

export type Client = ReturnType<typeof createClient>

/** A keep-alive HTTP client for one origin, with at most `connections` sockets open at a time. */
export function createClient(baseUrl: string, connections: number, timeoutMs = 10_000) {
  const { hostname, port } = new URL(baseUrl)
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections })

  function send({ method, path, body }: Call): Promise<Outcome> {
    return new Promise((resolve) => {
      const req = request(
        {
          agent,
          hostname,
          port,
          method,
          path,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          timeout: timeoutMs,
        },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            text += chunk
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
          res.on('error', () => resolve({ status: 0, body: text }))
        },
      )
      req.on('timeout', () => req.destroy(new Error('timed out')))
      req.on('error', () => resolve({ status: 0, body: '' }))
      req.end(body)
    })
  }

  return { send, close: () => agent.destroy() }
}
