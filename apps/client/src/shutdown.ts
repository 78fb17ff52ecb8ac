/** Aborts on the first SIGTERM or SIGINT; a second one of the same kind ends the process at once. */
export function abortOnShutdownSignals(): AbortSignal {
  const controller = new AbortController()
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => controller.abort(new Error(`received ${signal}`)))
  }
  return controller.signal
}
