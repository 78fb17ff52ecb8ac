import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { spawnAppProcess } from '../../test/support/child-process.js'

const GIVE_UP_MS = 30_000
/** Between two polls: the poller shares the app's CPU, and polling without a pause slowed the start it timed. */
const POLL_INTERVAL_MS = 5

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/health`, { agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode === 200))
    })
    req.on('error', () => resolve(false))
    req.end()
  })
}

/**
 * Milliseconds from spawning the built app to its first 200 on /health, on a database whose migrations are
 * already applied; polled every POLL_INTERVAL_MS, so the figure is within that of the truth.
 */
export async function measureColdStart(options: {
  databaseUrl: string
  keyPrefix: string
  env: Record<string, string>
  nodeArgs: readonly string[]
  nodeBinary?: string
}): Promise<number> {
  const started = performance.now()
  const app = await spawnAppProcess({
    entry: 'bundle',
    databaseUrl: options.databaseUrl,
    keyPrefix: options.keyPrefix,
    env: options.env,
    nodeArgs: options.nodeArgs,
    nodeBinary: options.nodeBinary,
    outputFile: join(tmpdir(), `web-cold-start-${process.pid}.log`),
  })
  try {
    while (!(await healthy(app.url))) {
      if (performance.now() - started > GIVE_UP_MS) {
        throw new Error(`no 200 on /health within ${GIVE_UP_MS} ms:\n${app.output()}`)
      }
      await sleep(POLL_INTERVAL_MS)
    }
    return performance.now() - started
  } finally {
    await app.cleanup()
  }
}
