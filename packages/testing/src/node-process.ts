import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface NodeProcessOptions {
  cwd: string
  env: Record<string, string>
  /**
   * Write stdout and stderr to this file instead of keeping them in memory: for long runs that log every request.
   * `stdout()` and `output()` then read the file.
   */
  outputFile?: string
  /** Open an IPC channel to the child (`child.send()`, its `message` event). */
  ipc?: boolean
  /** The node binary to run; default: the one running this process. */
  nodeBinary?: string
}

export interface NodeProcess {
  pid: number
  /** The process itself, e.g. to talk over the IPC channel. */
  child: ChildProcess
  /** Everything written to stdout so far. */
  stdout(): string
  /** stdout and stderr so far, for a failure message. */
  output(): string
  exited: Promise<Exit>
  /** Resolves once stdout matches `pattern`; rejects on exit or after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>
  /** Sends `signal`, then SIGKILL if the process is still alive after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>
}

/** Runs `node <args>` (this process's node unless `options.nodeBinary`) with `env` added to this process's environment. Stop it in afterAll, also when the test failed. */
export function spawnNode(args: readonly string[], options: NodeProcessOptions): NodeProcess {
  const { outputFile } = options
  const file = outputFile === undefined ? undefined : openSync(outputFile, 'w')
  const child = spawn(options.nodeBinary ?? process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', file ?? 'pipe', file ?? 'pipe', ...(options.ipc ? ['ipc' as const] : [])],
  })
  if (file !== undefined) closeSync(file)
  const { pid } = child
  if (pid === undefined) throw new Error(`could not start node ${args.join(' ')}`)
  let stdout = ''
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    output += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
  })
  const readOutputFile = () =>
    outputFile === undefined ? undefined : readFileSync(outputFile, 'utf8')
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
  let hasExited = false
  void exited.then(() => {
    hasExited = true
  })

  const node: NodeProcess = {
    pid,
    child,
    stdout: () => readOutputFile() ?? stdout,
    output: () => readOutputFile() ?? output,
    exited,
    async waitForStdout(pattern: RegExp, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(node.stdout())) {
        if (hasExited) throw new Error(`exited before printing ${pattern}:\n${node.output()}`)
        if (Date.now() > deadline)
          throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${node.output()}`)
        await sleep(20)
      }
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000) {
      if (hasExited) return exited
      process.kill(pid, signal)
      const timer = setTimeout(() => {
        if (!hasExited) process.kill(pid, 'SIGKILL')
      }, graceMs)
      const exit = await exited
      clearTimeout(timer)
      return exit
    },
  }
  return node
}

/**
 * Runs `node --import tsx <args>` (tsx is resolved from `cwd`): TypeScript sources run as they are, with no build
 * step.
 */
export function spawnNodeWithTsx(
  args: readonly string[],
  options: NodeProcessOptions,
): NodeProcess {
  return spawnNode(['--import', 'tsx', ...args], options)
}
