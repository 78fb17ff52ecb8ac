import type { Server } from 'node:http'

/** Resolves once `server` listens on `port`; rejects with the error that kept it from it (e.g. EADDRINUSE). */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
