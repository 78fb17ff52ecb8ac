// What every reference server shares: the port from PORT, one line on stdout once it listens, a JSON answer.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

export type Handler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>

export function sendJson(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  })
  response.end(body)
}

/** Listens on PORT; a handler that throws answers 500, which the bench counts as an error. */
export function serve(handler: Handler, onClose: () => Promise<void> = async () => {}): void {
  const server = createServer((request, response) => {
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      console.error(error)
      sendJson(response, 500, '{"erro":"reference server failed"}')
    })
  })
  server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'))
  process.once('SIGTERM', () => {
    server.closeAllConnections()
    server.close(() => void onClose().finally(() => process.exit(0)))
  })
}

export function requiredEnv(name: string): string {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}

export function notFound(response: ServerResponse): void {
  sendJson(response, 404, '{"erro":"not a reference route"}')
}
