import { createServer, get } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FramedResponse } from './framed-response.js'

// When writing an answer throws, @hono/node-server answers by itself. Patched (patches/), it sends the contract's
// JSON error without the error's message, and sends no message after a body already under way. The server here
// is wired as server.ts wires the app's.

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  vi.restoreAllMocks()
})

async function serve(app: Hono): Promise<number> {
  const server = createServer({ ServerResponse: FramedResponse }, getRequestListener(app.fetch))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  close = () => new Promise((resolve) => server.close(() => resolve()))
  return (server.address() as AddressInfo).port
}

/** Status, headers and the whole body received, however the connection ended. */
function ask(port: number, path: string) {
  return new Promise<{ status?: number; contentType?: string; requestId?: string; body: string }>(
    (resolve, reject) => {
      get({ port, host: '127.0.0.1', path, agent: false }, (response) => {
        let body = ''
        const done = () =>
          resolve({
            status: response.statusCode,
            contentType: response.headers['content-type'],
            requestId: response.headers['x-request-id'] as string | undefined,
            body,
          })
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          body += chunk
        })
        response.on('end', done).on('error', done).on('aborted', done)
      }).on('error', reject)
    },
  )
}

function quietConsoleError() {
  return vi.spyOn(console, 'error').mockImplementation(() => {})
}

describe('an answer that cannot be written', () => {
  it('is answered 500 with the contract’s JSON error and the frame’s headers, not the error’s message', async () => {
    const logged = quietConsoleError()
    const app = new Hono()
    app.use(async (c, next) => {
      const outgoing = (c.env as { outgoing?: unknown }).outgoing
      if (outgoing instanceof FramedResponse) outgoing.frameHeaders = [['X-Request-Id', 'req-1']]
      await next()
    })
    // Node refuses a header value with a line break when it writes the head.
    app.get('/broken', (c) => c.body('never sent', 200, { 'X-Broken': 'line\nbreak' }))
    const port = await serve(app)

    const answer = await ask(port, '/broken')

    expect(answer.status).toBe(500)
    expect(answer.contentType).toMatch(/^application\/json/)
    expect(answer.requestId).toBe('req-1')
    expect(JSON.parse(answer.body)).toEqual({ erro: 'Erro interno do servidor' })
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ code: 'ERR_INVALID_CHAR' }))
  })

  it('sends no message once the head is written', async () => {
    quietConsoleError()
    // A body whose bytes fail to come after the head has been written (writeHead) but not yet sent.
    class FailingBlob extends Blob {
      override arrayBuffer(): Promise<ArrayBuffer> {
        return Promise.reject(new Error('the source failed: internal detail'))
      }
    }
    const app = new Hono()
    app.get('/late', () => new Response(new FailingBlob(['x'.repeat(64)]), { status: 200 }))
    const port = await serve(app)

    const answer = await ask(port, '/late')

    expect(answer.status).toBe(200)
    expect(answer.body).not.toContain('internal detail')
    expect(answer.body).not.toContain('Error')
  })
})
