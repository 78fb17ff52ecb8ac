import { connect, type Socket } from 'node:net'
import { startTcpServer } from './tcp-server.js'

export interface HoldingProxy {
  port: number
  /** Resolves once a client has sent the marker and its bytes are being held. */
  holding: Promise<void>
  /** Sends what was held and forwards freely from then on. */
  release(): void
  close(): Promise<void>
}

/**
 * A TCP proxy that forwards both ways until a client sends `marker` (e.g. a Redis command name); from that
 * chunk on it holds what clients send until `release()`. Answers from the server always pass. It delays one
 * command by a real mechanism, the network, so a race can be played in a fixed order.
 */
export async function startHoldingProxy(
  target: { host: string; port: number },
  marker: string,
): Promise<HoldingProxy> {
  const held: Array<{ upstream: Socket; chunk: Buffer }> = []
  let state: 'forwarding' | 'holding' | 'released' = 'forwarding'
  let startHolding = () => {}
  const holding = new Promise<void>((resolve) => {
    startHolding = resolve
  })

  const server = await startTcpServer((client, track) => {
    const upstream = connect(target.port, target.host)
    track(upstream)
    upstream.pipe(client)
    client.on('data', (chunk: Buffer) => {
      if (state === 'forwarding' && chunk.includes(marker)) {
        state = 'holding'
        startHolding()
      }
      if (state === 'holding') held.push({ upstream, chunk })
      else upstream.write(chunk)
    })
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })

  return {
    port: server.port,
    holding,
    release() {
      state = 'released'
      for (const { upstream, chunk } of held.splice(0)) upstream.write(chunk)
    },
    close: () => server.close(),
  }
}
