/** A Redis command that got no answer in time: the server hangs or the network dropped it. */
export class CommandTimeoutError extends Error {
  override name = 'CommandTimeoutError'

  constructor(timeoutMs: number) {
    super(`Redis did not answer within ${timeoutMs} ms`)
  }
}

/**
 * Settles like `operation`, or rejects with a CommandTimeoutError after `timeoutMs`.
 * node-redis only times out commands still waiting to be written; once a command is on the wire,
 * a hung server would keep it pending forever.
 */
export function withTimeout<T>(operation: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CommandTimeoutError(timeoutMs)), timeoutMs)
    operation.then(resolve, reject).finally(() => clearTimeout(timer))
  })
}
