import { connect, type Socket } from 'node:net'
import { Duplex } from 'node:stream'

/** Consecutive closes before a byte came back that still count as a blip worth retrying. */
const TOLERATED_CLOSES = 3

interface SocketOptions {
  host: string[]
  port: number[]
  /** postgres.js sets it to false when it connects over TCP. */
  path?: string | false | undefined
}

/**
 * A `socket` factory for postgres.js that bounds one of its retry loops. When a server accepts a connection and
 * closes it before answering (Docker's port proxy does this while the database container is down), postgres.js
 * 3.4 reconnects at once, forever, and the query waits and burns CPU until the database is back
 * (porsager/postgres#1193). After a few such closes in a row this factory hands back a socket that fails, so the
 * query is rejected with CONNECTION_CLOSED and the pool slot is freed as after any other connection error.
 * `onSocket` sees every socket it opens.
 */
export function startupCloseGuard(onSocket: (socket: Socket) => void = () => {}) {
  let closesBeforeAnswer = 0
  let attempts = 0

  return ({ host, port, path }: SocketOptions): Socket | Duplex => {
    const index = attempts++ % host.length
    const address = path || `${host[index]}:${port[index]}`
    if (closesBeforeAnswer >= TOLERATED_CLOSES) {
      closesBeforeAnswer = 0
      return failingSocket(
        Object.assign(
          new Error(`${address} closed the connection before answering, ${TOLERATED_CLOSES} times`),
          { code: 'CONNECTION_CLOSED' },
        ),
      )
    }
    const socket = path ? connect(path) : connect(port[index] ?? 5432, host[index])
    onSocket(socket)
    let answered = false
    socket.once('data', () => {
      answered = true
      closesBeforeAnswer = 0
    })
    socket.once('close', (hadError) => {
      if (!hadError && !answered) closesBeforeAnswer++
    })
    return socket
  }
}

/** postgres.js writes its startup message first; failing that write rejects the pending query. */
function failingSocket(error: Error): Duplex {
  return new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback(error)
    },
  })
}
