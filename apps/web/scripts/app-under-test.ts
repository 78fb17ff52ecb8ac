import type { ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hasBundle, spawnAppProcess } from '../test/support/child-process.js'

const MEMORY_PROBE = new URL('./memory-probe.mjs', import.meta.url).href

export interface Memory {
  /** Resident set size from /proc/<pid>/status, in MiB. */
  rssMiB: number
  /** The highest RSS since the process started (VmHWM), in MiB. */
  peakRssMiB: number
  heapUsedMiB: number
  heapTotalMiB: number
}

export interface AppUnderTest {
  pid: number
  url: string
  /** How it was started: the bundle (dist/) or the sources through tsx. */
  runs: string
  /** Its throwaway database and Redis key prefix, dropped by cleanup(). */
  data: string
  databaseUrl: string
  keyPrefix: string
  logFile: string
  memory(): Promise<Memory>
  /** Sends `message` to a preloaded probe over IPC and resolves with its answer. */
  ask(message: string, timeoutMs?: number): Promise<unknown>
  /** Stops the app, drops its database and deletes its Redis keys; safe to call twice. */
  cleanup(): Promise<void>
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10

/**
 * Sends `message` to a probe preloaded into `child` and resolves with the next message it sends back; rejects
 * when none comes within `timeoutMs` or the child exits first.
 */
export function askOverIpc(
  child: ChildProcess,
  message: string,
  timeoutMs = 2000,
): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    const settle = (outcome: () => void) => {
      clearTimeout(timer)
      child.off('message', onMessage).off('exit', onExit)
      outcome()
    }
    const onMessage = (answer: unknown) => settle(() => resolve(answer))
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      settle(() => reject(new Error(`exited (${signal ?? code}) before answering '${message}'`)))
    const timer = setTimeout(
      () => settle(() => reject(new Error(`no answer to '${message}' within ${timeoutMs} ms`))),
      timeoutMs,
    )
    child.on('message', onMessage).on('exit', onExit)
    child.send(message)
  })
}

/**
 * The process's resident memory in MiB: now (`rss`, and its `anon` and `file` parts) and at its highest (`peak`).
 * `file` is pages of mapped files, the node binary's above all: clean, shared and given back first under pressure.
 */
export async function residentMiB(
  pid: number,
): Promise<{ rss: number; peak: number; anon: number; file: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const mibOf = (field: string) => {
    const kib = Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN)
    return Math.round((kib / 1024) * 10) / 10
  }
  return {
    rss: mibOf('VmRSS'),
    peak: mibOf('VmHWM'),
    anon: mibOf('RssAnon'),
    file: mibOf('RssFile'),
  }
}

/**
 * Starts the app as a child process (test/support/child-process.ts) on a throwaway database and a Redis key
 * prefix of its own: the built bundle when dist/ has one (unless `fromSource`), else the sources through tsx. Its
 * output goes to a file, so that a long run does not pile it up in this process. Ctrl-C or SIGTERM cleans up and
 * exits.
 */
export async function startAppUnderTest(options: {
  fromSource: boolean
  logLevel: string
  /** More environment variables for the app. */
  env?: Record<string, string>
  /** Flags for node itself. */
  nodeArgs?: readonly string[]
  /** More modules to preload, beside the memory probe. */
  preload?: string[]
  /** The node binary to run the app on; default: the one running this script. */
  nodeBinary?: string
}): Promise<AppUnderTest> {
  const useBundle = !options.fromSource && hasBundle()
  const logFile = join(tmpdir(), `web-load-${process.pid}.log`)
  const app = await spawnAppProcess({
    entry: useBundle ? 'bundle' : 'source',
    preload: [MEMORY_PROBE, ...(options.preload ?? [])],
    nodeArgs: options.nodeArgs,
    nodeBinary: options.nodeBinary,
    outputFile: logFile,
    ipc: true,
    env: { LOG_LEVEL: options.logLevel, ...options.env },
  })
  // `on`, not `once`: Ctrl-C can arrive twice (from the terminal and relayed by tsx), and a second one must not
  // end the process half way through the cleanup, which is bounded anyway.
  let stopping = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!stopping) console.error(`\n${signal}: stopping the app and dropping its data`)
      stopping = true
      void app.cleanup().finally(() => process.exit(130))
    })
  }

  try {
    await app.waitUntilHealthy()
  } catch (error) {
    await app.cleanup()
    throw new Error(`${(error as Error).message}\nits log: ${logFile}`)
  }

  const ask = (message: string, timeoutMs?: number) => askOverIpc(app.child, message, timeoutMs)
  return {
    pid: app.pid,
    url: app.url,
    runs: useBundle ? 'dist/server/index.js (bundle)' : 'src/index.ts through tsx',
    data: `database ${new URL(app.databaseUrl).pathname.slice(1)}, Redis keys ${app.keyPrefix}*`,
    databaseUrl: app.databaseUrl,
    keyPrefix: app.keyPrefix,
    logFile,
    async memory() {
      const [resident, usage] = await Promise.all([
        residentMiB(app.pid),
        ask('memory') as Promise<NodeJS.MemoryUsage>,
      ])
      return {
        rssMiB: resident.rss,
        peakRssMiB: resident.peak,
        heapUsedMiB: mib(usage.heapUsed),
        heapTotalMiB: mib(usage.heapTotal),
      }
    },
    ask,
    cleanup: () => app.cleanup(),
  }
}
