import { createServer, get, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { FramedResponse, type HeaderList } from './framed-response.js'

const FRAME: HeaderList = [
  ['X-Request-Id', 'abc'],
  ['X-Frame-Options', 'SAMEORIGIN'],
]

let close: (() => Promise<void>) | undefined
afterEach(() => close?.())

/** The status line's code and reason, and the header lines as sent, from a FramedResponse answering `answer`. */
async function answered(answer: (response: FramedResponse) => void) {
  const listener: RequestListener<
    typeof import('node:http').IncomingMessage,
    typeof FramedResponse
  > = (_request, response) => {
    response.frameHeaders = FRAME
    answer(response)
  }
  const server = createServer({ ServerResponse: FramedResponse }, listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  close = () => new Promise((resolve) => server.close(() => resolve()))
  const { port } = server.address() as AddressInfo
  return new Promise<{ status?: number; reason?: string; headers: string[][] }>(
    (resolve, reject) => {
      get({ port, host: '127.0.0.1', agent: false }, (response) => {
        response.resume()
        const raw = response.rawHeaders
        const headers = raw.flatMap((name, i) =>
          i % 2 === 0 ? [[name, raw[i + 1] as string]] : [],
        )
        resolve({ status: response.statusCode, reason: response.statusMessage, headers })
      }).on('error', reject)
    },
  )
}

const named = (headers: string[][], name: string) =>
  headers.filter(([other]) => other?.toLowerCase() === name.toLowerCase())

describe('FramedResponse', () => {
  it('sends the frame headers before the answer’s own', async () => {
    const { headers } = await answered((response) =>
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok'),
    )
    expect(headers.slice(0, 3)).toEqual([
      ['X-Request-Id', 'abc'],
      ['X-Frame-Options', 'SAMEORIGIN'],
      ['content-type', 'text/plain'],
    ])
  })

  it.each([
    ['an object', { 'x-frame-options': 'DENY' }],
    ['a flat list', ['X-FRAME-OPTIONS', 'DENY']],
    ['a list of pairs', [['x-Frame-options', 'DENY']]],
  ])('lets the answer’s own header win, whatever its case, given as %s', async (_, own) => {
    const { headers } = await answered((response) =>
      response.writeHead(200, own as Parameters<FramedResponse['writeHead']>[1]).end(),
    )
    expect(named(headers, 'x-frame-options').map(([, value]) => value)).toEqual(['DENY'])
    expect(named(headers, 'x-request-id')).toEqual([['X-Request-Id', 'abc']])
  })

  it('lets a header set with setHeader win too', async () => {
    const { headers } = await answered((response) => {
      response.setHeader('X-Frame-Options', 'DENY')
      response.writeHead(200, { 'content-type': 'text/plain' }).end()
    })
    expect(named(headers, 'x-frame-options').map(([, value]) => value)).toEqual(['DENY'])
    expect(named(headers, 'content-type')).toHaveLength(1)
    expect(named(headers, 'x-request-id')).toHaveLength(1)
  })

  it('keeps a reason phrase', async () => {
    const answer = await answered((response) =>
      response.writeHead(418, 'Short and stout', { 'content-type': 'text/plain' }).end(),
    )
    expect([answer.status, answer.reason]).toEqual([418, 'Short and stout'])
    expect(named(answer.headers, 'x-request-id')).toHaveLength(1)
  })

  it('sends them on an answer that never calls writeHead', async () => {
    const { status, headers } = await answered((response) => response.end('ok'))
    expect(status).toBe(200)
    expect(headers.slice(0, 2)).toEqual(FRAME)
  })
})
