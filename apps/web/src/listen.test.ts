import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { canReusePort, listenTogether } from './listen.js'

describe('canReusePort', () => {
  it.each([
    ['20.20.2', false],
    ['22.11.0', false],
    ['22.12.0', true],
    ['23.1.0', true],
    ['24.21.0', true],
  ])('Node %s: %s', (version, expected) => {
    expect(canReusePort(version)).toBe(expected)
  })
})

describe('listenTogether', () => {
  it('gives the first server a port when asked for 0 and answers on it', async () => {
    const server = createServer((_request, response) => response.end('ok'))
    const port = await listenTogether([server], 0)
    try {
      expect(port).toBeGreaterThan(0)
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok')
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
