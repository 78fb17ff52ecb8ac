import type { Server, ServerResponse } from 'node:http'

export interface Drainable {
  /**
   * Stops accepting connections, lets the requests in flight finish, and closes every connection once its
   * response is sent, so that keep-alive clients cannot hold the server open. Requests still running after
   * `timeoutMs` are cut. Resolves once the server is closed, with how many requests were cut.
   */
  drain(timeoutMs: number): Promise<{ cut: number }>
}

/** Call before the server gets its request listener, so that every response is tracked from its start. */
export function makeDrainable(server: Server): Drainable {
  const inFlight = new Set<ServerResponse>()
  let draining = false

  // Without keep-alive, Node closes the connection right after the response.
  const closeAfterResponse = (response: ServerResponse) => {
    if (!response.headersSent) response.shouldKeepAlive = false
  }

  server.on('request', (_request, response: ServerResponse) => {
    // A keep-alive client may still send a request on its open connection while the server drains.
    if (draining) closeAfterResponse(response)
    inFlight.add(response)
    response.once('close', () => {
      inFlight.delete(response)
      // A response whose headers went out before the drain began (an event stream) left its connection keep-alive:
      // close it too once it is idle.
      if (draining) setImmediate(() => server.closeIdleConnections())
    })
  })

  return {
    async drain(timeoutMs) {
      draining = true
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const response of inFlight) closeAfterResponse(response)
      server.closeIdleConnections()
      let cut = 0
      const deadline = setTimeout(() => {
        cut = inFlight.size
        server.closeAllConnections()
      }, timeoutMs)
      await closed
      clearTimeout(deadline)
      return { cut }
    },
  }
}
