import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { join } from 'node:path'

export interface Pinning {
  /** The CPU of this process and everything it starts (the app, the reference servers), if pinned. */
  servers?: number
  /** The CPU of the load generator, if pinned. */
  load?: number
  note: string
}

const hasTaskset = () => {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * Pins this process, all its threads, to CPU 0: the servers it starts from now on inherit that CPU, and the
 * load generator gets CPU 1. PostgreSQL and Redis are shared servers that this script did not start: they stay
 * wherever the system runs them.
 */
export function pinProcesses(): Pinning {
  if (cpus().length < 2) return { note: 'not pinned: fewer than 2 CPUs' }
  if (!hasTaskset()) return { note: 'not pinned: no taskset' }
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', '0', String(process.pid)], {
    stdio: 'ignore',
  })
  return {
    servers: 0,
    load: 1,
    note: 'app and reference servers pinned to CPU 0, wrk to CPU 1; PostgreSQL and Redis are shared servers started elsewhere, not pinned (they run on either CPU)',
  }
}

function bytesUnder(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.size
  return readdirSync(path).reduce((sum, entry) => sum + bytesUnder(join(path, entry)), 0)
}

/**
 * Bytes of what the image copies (infra/scripts/build-app.sh): the build's dist/ and a package.json holding only
 * the module type.
 */
export function productionPayloadBytes(appDir: string): number {
  const { type = 'commonjs' } = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'))
  const packageJson = `{ "type": "${type}" }\n`
  return bytesUnder(join(appDir, 'dist')) + Buffer.byteLength(packageJson)
}

/** The CPUs, and the version of the node at `nodeBinary` (the app's, which need not be the one running this). */
export function describeMachine(nodeBinary: string): string {
  const cpu = cpus()
  const version = execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim()
  return `${cpu.length} CPUs (${cpu[0]?.model.trim() ?? '?'}), Node ${version}`
}

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/**
 * CPU time a process has used so far, all its threads, in user and kernel mode (/proc/<pid>/stat). Per request,
 * it hardly depends on what else the machine runs, unlike req/s: the figure to compare changes by.
 */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
}
