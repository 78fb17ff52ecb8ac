// Preloaded into an app process by a test (`node --import`): answers 'heap' on the IPC channel with the heap in use
// after a full garbage collection, so that a test can compare the app's memory before and after a load.
// Plain JS so that it also runs with the bundle.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')

process.on('message', (message) => {
  if (message !== 'heap') return
  // Twice: what the first collection frees (e.g. by running finalizers) the second one reclaims.
  gc()
  gc()
  process.send?.({ heapUsed: process.memoryUsage().heapUsed })
})
process.channel?.unref()
