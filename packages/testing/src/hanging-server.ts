import { connect } from 'node:net'
import { startTcpServer } from './tcp-server.js'

export interface HangingServer {
  readonly port: number
  /** Connections open right now (a client that connected and is waiting for an answer counts). */
  readonly openConnections: number
  close(): Promise<void>
}

/**
 * A TCP listener on 127.0.0.1 that accepts connections and never answers on them: a stand-in for a
 * database or cache whose host froze. With `forwardAfter`, only the first `forwardAfter` connections
 * hang; later ones are piped to `forwardTo` (a working server).
 */
export function startHangingServer(
  options: { forwardAfter?: number; forwardTo?: { host: string; port: number } } = {},
): Promise<HangingServer> {
  let accepted = 0
  return startTcpServer((socket, track) => {
    accepted++
    const { forwardAfter, forwardTo } = options
    if (forwardTo === undefined || forwardAfter === undefined || accepted <= forwardAfter) return
    const upstream = connect(forwardTo.port, forwardTo.host)
    track(upstream)
    socket.pipe(upstream).pipe(socket)
    socket.on('close', () => upstream.destroy())
    upstream.on('close', () => socket.destroy())
  })
}
