import { pino } from 'pino'

/** Lines wait at most this long in the buffer of stdout. */
const STDOUT_FLUSH_MS = 100

let stdoutBuffer: ReturnType<typeof pino.destination> | undefined

/**
 * stdout, written by the event loop a block of up to 4 KiB at a time. pino's default writes each line through
 * libuv's thread pool, which costs the threads' wake-ups, and at an uncaught exception it sent the line in flight
 * after the rest. Flushed every STDOUT_FLUSH_MS, after every line at `error` or above (createLogger), and when
 * the process exits (an uncaught exception included): only a kill that skips Node's exit (SIGKILL, a crash of V8
 * itself) loses lines, the last STDOUT_FLUSH_MS of them at `warn` or below. One buffer per process, whatever the
 * number of loggers.
 */
export function bufferedStdout(): ReturnType<typeof pino.destination> {
  if (stdoutBuffer) return stdoutBuffer
  const stdout = blockDestination(1)
  process.on('exit', () => stdout.flushSync())
  stdoutBuffer = stdout
  return stdout
}

/**
 * `dest` (a file descriptor or a path), written synchronously a block of up to 4 KiB at a time, and flushed every
 * STDOUT_FLUSH_MS. sonic-boom is patched (`patches/sonic-boom@4.2.1.patch`): its `write` measured the UTF-8 length
 * of the whole buffered block on every line, which flattened the block's string again each time.
 */
export function blockDestination(dest: number | string): ReturnType<typeof pino.destination> {
  return pino.destination({ dest, sync: true, minLength: 4096, periodicFlush: STDOUT_FLUSH_MS })
}
