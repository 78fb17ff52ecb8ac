import { existsSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { type NodeProcess, spawnNode } from '@repo/testing/node-process'
import { freePort } from '@repo/testing/ports'
import { acquireResources, type ResourceOptions } from './resources.js'

const APP_DIR = fileURLToPath(new URL('../../', import.meta.url))
const SOURCE_ENTRY = 'src/index.ts'
const BUNDLE_ENTRY = 'dist/server/index.js'
/** Room for tsx, migrations and a machine busy with other suites. */
const HEALTHY_WITHIN_MS = 60_000
/** The app's default SHUTDOWN_TIMEOUT_MS: a drain that runs its course is not cut short. */
const STOP_GRACE_MS = 10_000

/** Whether `pnpm --filter web build` left a bundle to run. */
export const hasBundle = (): boolean => existsSync(`${APP_DIR}${BUNDLE_ENTRY}`)

export interface AppProcessOptions extends ResourceOptions {
  /** Default: a free one. */
  port?: number
  /** More environment variables; LOG_LEVEL defaults to info. */
  env?: Record<string, string>
  /** `source` (the default): src/index.ts through tsx, as in development. `bundle`: dist/server/index.js. */
  entry?: 'source' | 'bundle'
  /** Modules the app preloads (`node --import`), e.g. a probe a load script talks to over IPC. */
  preload?: readonly string[]
  /** Flags for node itself, e.g. `--max-old-space-size=160` as in the image, or `--cpu-prof`. */
  nodeArgs?: readonly string[]
  /** Send its output to this file instead of memory (see spawnNode). */
  outputFile?: string
  ipc?: boolean
  /** The node binary to run the app on; default: the one running this process. */
  nodeBinary?: string
}

export interface AppProcess extends NodeProcess {
  port: number
  url: string
  databaseUrl: string
  keyPrefix: string
  /** Resolves once GET /health answers 200; rejects if the process exits first or after `timeoutMs`. */
  waitUntilHealthy(timeoutMs?: number): Promise<void>
  /** Stops the process (SIGTERM, SIGKILL after 10 s), then releases its throwaway database and keys. Safe twice. */
  cleanup(): Promise<void>
}

/**
 * The app's real entry point as a child process, on a free port, configured only by its environment, on a
 * throwaway database and a Redis key prefix of its own unless `options` say otherwise. Resolves as soon as it
 * runs: watch its output, or `waitUntilHealthy()`.
 */
export async function spawnAppProcess(options: AppProcessOptions = {}): Promise<AppProcess> {
  const script = options.entry === 'bundle' ? BUNDLE_ENTRY : SOURCE_ENTRY
  const imports = [...(options.entry === 'bundle' ? [] : ['tsx']), ...(options.preload ?? [])]
  const resources = await acquireResources(options)
  let port: number
  let node: NodeProcess
  try {
    port = options.port ?? (await freePort())
    const flags = [
      ...(options.nodeArgs ?? []),
      ...imports.flatMap((module) => ['--import', module]),
    ]
    node = spawnNode([...flags, script], {
      cwd: APP_DIR,
      env: {
        PORT: String(port),
        DATABASE_URL: resources.databaseUrl,
        REDIS_URL: resources.redisUrl,
        REDIS_KEY_PREFIX: resources.keyPrefix,
        LOG_LEVEL: 'info',
        ...options.env,
      },
      outputFile: options.outputFile,
      ipc: options.ipc,
      nodeBinary: options.nodeBinary,
    })
  } catch (error) {
    await resources.release()
    throw error
  }
  const url = `http://127.0.0.1:${port}`
  let exited = false
  void node.exited.then(() => {
    exited = true
  })
  let cleaning: Promise<void> | undefined

  return {
    ...node,
    port,
    url,
    databaseUrl: resources.databaseUrl,
    keyPrefix: resources.keyPrefix,
    async waitUntilHealthy(timeoutMs = HEALTHY_WITHIN_MS) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        if (exited)
          throw new Error(`the app exited before answering GET /health:\n${node.output()}`)
        if (await isHealthy(url)) return
        if (Date.now() > deadline) {
          throw new Error(
            `the app did not answer GET /health within ${timeoutMs} ms:\n${node.output()}`,
          )
        }
        await sleep(100)
      }
    },
    cleanup() {
      cleaning ??= (async () => {
        await node.stop('SIGTERM', STOP_GRACE_MS)
        await resources.release()
      })()
      return cleaning
    },
  }
}

/**
 * spawnAppProcess, then waits until it answers GET /health; cleans up if it never does. A free port can be taken
 * by another suite between `freePort()` and the app's listen: then it tries once more on another one.
 */
export async function startAppProcess(options: AppProcessOptions = {}): Promise<AppProcess> {
  for (let attempt = 1; ; attempt++) {
    const app = await spawnAppProcess(options)
    try {
      await app.waitUntilHealthy()
      return app
    } catch (error) {
      await app.cleanup()
      const portTaken = /EADDRINUSE/.test(app.output())
      if (!portTaken || options.port !== undefined || attempt === 2) throw error
    }
  }
}

function isHealthy(url: string): Promise<boolean> {
  return fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).then(
    (response) => response.ok,
    () => false,
  )
}
