import type { Socket } from 'node:net'

/** A server's first answers go through here until its BackendKeyData; more than this and it is not PostgreSQL. */
const MAX_STARTUP_BYTES = 64 * 1024

/**
 * The sockets of a pool, by the server process they talk to. PostgreSQL names that process in BackendKeyData
 * (message `K`: process id and secret key) during start-up, and postgres.js keeps the same two numbers on every
 * query it sends (`query.state`): so the socket a query waits on can be found, and dropped. Only plain TCP: over
 * TLS the start-up cannot be read, and such a connection is not found.
 */
export class BackendSockets {
  readonly #byBackend = new Map<string, Socket>()

  /** Reads the start-up answers of `socket` (without consuming them) until the server names its process. */
  watch(socket: Socket): void {
    let pending = Buffer.alloc(0)
    const stop = () => socket.off('data', read)
    const read = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      for (;;) {
        if (pending.length < 5) return
        const type = pending[0]
        const length = pending.readUInt32BE(1)
        if (length < 4 || pending.length > MAX_STARTUP_BYTES) return stop()
        if (pending.length < 1 + length) return
        if (type === 0x4b /* K */ && length === 12) {
          const key = backendKey(pending.readUInt32BE(5), pending.readUInt32BE(9))
          this.#byBackend.set(key, socket)
          socket.once('close', () => {
            if (this.#byBackend.get(key) === socket) this.#byBackend.delete(key)
          })
          return stop()
        }
        // ReadyForQuery or an error: start-up is over without a key.
        if (type === 0x5a /* Z */ || type === 0x45 /* E */) return stop()
        pending = pending.subarray(1 + length)
      }
    }
    socket.on('data', read)
    socket.once('close', stop)
  }

  /**
   * Destroys the socket of that server process; false when there is none. Node emits `close` a turn of the event
   * loop later, and until postgres.js hears it the pool still sends new queries down that connection, which it
   * then loses: so `close` is announced at once (postgres.js drops its listeners on it, so it hears it once).
   */
  destroy(pid: number, secret: number): boolean {
    const key = backendKey(pid, secret)
    const socket = this.#byBackend.get(key)
    if (socket === undefined) return false
    this.#byBackend.delete(key)
    socket.destroy()
    socket.emit('close', false)
    return true
  }
}

const backendKey = (pid: number, secret: number) => `${pid}:${secret}`
