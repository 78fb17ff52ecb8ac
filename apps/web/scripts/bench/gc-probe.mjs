// Preloaded (`node --import`) into a server by scripts/bench/gc-pressure.ts, which talks to it over IPC:
// - `gc:start` / `gc:stop` start and end a recording of the young-generation collections (scavenges); `gc:stop`
//   answers with their durations in ms.
// - `heap:snapshot` writes a heap snapshot into `HEAP_SNAPSHOT_DIR` and answers with its path once written.
// - `alloc:start` / `alloc:stop` start and end V8's sampling heap profiler, counting what is collected too (every
//   allocation, not only what survives); `alloc:stop` answers with the profile's tree.
// Plain JS so that it also runs with the bundle.
import { Session } from 'node:inspector'
import { join } from 'node:path'
import { constants, PerformanceObserver } from 'node:perf_hooks'
import { writeHeapSnapshot } from 'node:v8'

let scavenges
new PerformanceObserver((list) => {
  if (scavenges === undefined) return
  for (const entry of list.getEntries()) {
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges.push(entry.duration)
  }
}).observe({ entryTypes: ['gc'] })

// Connected only while sampling: an attached inspector may cost the rest of the run.
let session
const post = (method, params) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  )
// One sample per 32 KiB allocated on average: V8 lists every sample in the profile, and at 1 KiB a few seconds of
// load gave a list that the app's 80 MiB old space could not hold (it aborted).
const SAMPLING = {
  samplingInterval: 32 * 1024,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
}

let snapshots = 0
process.on('message', (message) => {
  if (message === 'gc:start') {
    scavenges = []
    process.send?.({ recording: true })
  } else if (message === 'gc:stop') {
    process.send?.({ scavenges: scavenges ?? [] })
    scavenges = undefined
  } else if (message === 'heap:snapshot') {
    const path = join(
      process.env.HEAP_SNAPSHOT_DIR ?? '.',
      `${process.pid}-${++snapshots}.heapsnapshot`,
    )
    process.send?.({ snapshot: writeHeapSnapshot(path) })
  } else if (message === 'alloc:start') {
    session = new Session()
    session.connect()
    post('HeapProfiler.startSampling', SAMPLING).then(() => process.send?.({ sampling: true }))
  } else if (message === 'alloc:stop') {
    post('HeapProfiler.stopSampling').then(({ profile }) => {
      session.disconnect()
      process.send?.({ allocations: profile.head })
    })
  }
})
process.channel?.unref()
