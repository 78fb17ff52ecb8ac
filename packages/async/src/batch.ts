export interface BatchOptions {
  /** The most items one batch takes. */
  maxSize: number
  /** The most batches in flight at once. */
  concurrency: number
  /**
   * A call that has waited this long for a batch rejects with `waited()`: if it is still in the queue it leaves it
   * unsent; if its batch is in flight, that batch goes on without it. Calls that start a batch at once get no
   * timer: `run` is expected to bound its own time.
   */
  maxWait?: { ms: number; waited: () => Error }
  /** When a batch of more than one fails with an error this accepts, each of its items runs again, alone. */
  retryAlone?: (error: unknown) => boolean
}

interface Call<I, O> {
  item: I
  resolve: (value: O) => void
  reject: (error: unknown) => void
  timer?: NodeJS.Timeout
  /** Rejected by its timer: nothing more is done for it. */
  expired?: boolean
}

/**
 * A function of one item that calls `run` with many. A call made while fewer than `concurrency` batches are in
 * flight starts one at once, alone; calls made while all of them are in flight wait, and the next batch takes up to
 * `maxSize` of them. So a lone call waits for nobody, and under load a batch grows with the time the one before it
 * took. `run` answers its items in the order given; when it fails, each call of the batch fails with its error
 * (unless `retryAlone` accepts the error).
 */
export function batched<I, O>(
  run: (items: I[]) => Promise<O[]>,
  { maxSize, concurrency, maxWait, retryAlone }: BatchOptions,
): (item: I) => Promise<O> {
  const queue: Call<I, O>[] = []
  let inFlight = 0

  const land = () => {
    inFlight--
    startBatches()
  }
  const startBatches = () => {
    while (inFlight < concurrency && queue.length > 0) {
      inFlight++
      runBatch(queue.splice(0, maxSize)).then(land, land)
    }
  }

  const runBatch = (calls: Call<I, O>[]): Promise<void> =>
    invoke(
      run,
      calls.map((call) => call.item),
    ).then(
      (answers) => {
        for (const [index, call] of calls.entries()) {
          clearTimeout(call.timer)
          call.resolve(answers[index] as O)
        }
      },
      (error: unknown) => {
        if (calls.length > 1 && retryAlone?.(error)) {
          const retried = calls.filter((call) => !call.expired).map((call) => runBatch([call]))
          return Promise.all(retried).then(() => {})
        }
        for (const call of calls) {
          clearTimeout(call.timer)
          call.reject(error)
        }
      },
    )

  return (item) =>
    new Promise<O>((resolve, reject) => {
      const call: Call<I, O> = { item, resolve, reject }
      queue.push(call)
      startBatches()
      // Still queued (it is the last one pushed): every batch is in flight, and this call waits.
      if (maxWait && queue.at(-1) === call) {
        call.timer = setTimeout(() => {
          call.expired = true
          const position = queue.indexOf(call)
          if (position !== -1) queue.splice(position, 1)
          reject(maxWait.waited())
        }, maxWait.ms)
      }
    })
}

/** `run(items)` as a promise, also when `run` throws instead of rejecting. */
function invoke<I, O>(run: (items: I[]) => Promise<O[]>, items: I[]): Promise<O[]> {
  try {
    return run(items)
  } catch (error) {
    return Promise.reject(error)
  }
}
