import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, openSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { freePort } from '@repo/testing/ports'
import { createTestDatabase, type TestDatabase } from '@repo/testing/postgres'
import { createTestKeyspace, type TestKeyspace } from '@repo/testing/redis'

const APP_DIR = fileURLToPath(new URL('../', import.meta.url))
const BUNDLE = join(APP_DIR, 'dist/server/index.js')
const MEMORY_PROBE = pathToFileURL(join(APP_DIR, 'scripts/memory-probe.mjs')).href

export interface Memory {
  /** Resident set size from /proc/<pid>/status, in MiB. */
  rssMiB: number
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
  logFile: string
  memory(): Promise<Memory>
  /** Stops the app, drops its database and deletes its Redis keys; safe to call twice. */
  cleanup(): Promise<void>
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN)
  return Math.round((kib / 1024) * 10) / 10
}

function heap(child: ChildProcess): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the app did not report its memory')), 2000)
    child.once('message', (usage) => {
      clearTimeout(timer)
      resolve(usage as NodeJS.MemoryUsage)
    })
    child.send('memory')
  })
}

async function waitUntilHealthy(url: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}`)
    try {
      if ((await fetch(`${url}/health`)).ok) return
    } catch {
      // Not listening yet.
    }
    await sleep(100)
  }
  throw new Error(`the app did not answer /health within ${timeoutMs} ms`)
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const killed = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])
  if (!killed) {
    child.kill('SIGKILL')
    await exited
  }
}

/**
 * Starts the app as a child process on a throwaway database and a Redis key prefix of its own: the built bundle
 * when dist/ has one (unless `fromSource`), else the sources through tsx. Ctrl-C or SIGTERM cleans up and exits.
 */
export async function startAppUnderTest(options: {
  fromSource: boolean
  logLevel: string
}): Promise<AppUnderTest> {
  const database: TestDatabase = await createTestDatabase()
  const keyspace: TestKeyspace = createTestKeyspace()
  const port = await freePort()
  const useBundle = !options.fromSource && existsSync(BUNDLE)
  const args = useBundle
    ? ['--import', MEMORY_PROBE, BUNDLE]
    : ['--import', 'tsx', '--import', MEMORY_PROBE, 'src/index.ts']
  const logFile = join(tmpdir(), `web-load-${process.pid}.log`)
  const log = openSync(logFile, 'w')
  const child = spawn(process.execPath, args, {
    cwd: APP_DIR,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: keyspace.url,
      REDIS_KEY_PREFIX: keyspace.prefix,
      PORT: String(port),
      LOG_LEVEL: options.logLevel,
    },
    stdio: ['ignore', log, log, 'ipc'],
  })
  const pid = child.pid
  if (pid === undefined) throw new Error('could not start the app')

  let cleaning: Promise<void> | undefined
  const cleanup = () => {
    cleaning ??= (async () => {
      await stopChild(child)
      await Promise.allSettled([database.drop(), keyspace.clear()])
    })()
    return cleaning
  }
  // `on`, not `once`: Ctrl-C can arrive twice (from the terminal and relayed by tsx), and a second one must not
  // end the process half way through the cleanup, which is bounded anyway.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!cleaning) console.error(`\n${signal}: stopping the app and dropping its data`)
      void cleanup().finally(() => process.exit(130))
    })
  }

  const url = `http://127.0.0.1:${port}`
  try {
    await waitUntilHealthy(url, child, 30_000)
  } catch (error) {
    await cleanup()
    throw new Error(`${(error as Error).message}; its log: ${logFile}`)
  }
  return {
    pid,
    url,
    runs: useBundle ? 'dist/server/index.js (bundle)' : 'src/index.ts through tsx',
    data: `database ${database.name}, Redis keys ${keyspace.prefix}*`,
    logFile,
    async memory() {
      const [rss, usage] = await Promise.all([rssMiB(pid), heap(child)])
      return { rssMiB: rss, heapUsedMiB: mib(usage.heapUsed), heapTotalMiB: mib(usage.heapTotal) }
    },
    cleanup,
  }
}
