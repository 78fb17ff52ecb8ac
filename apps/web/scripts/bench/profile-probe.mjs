// Preloaded into the app by `pnpm bench --profile` (`node --import`): 'profile:start' on the IPC channel starts
// V8's sampling profiler in this process, 'profile:stop' stops it and answers with the profile (a .cpuprofile
// object). Plain JS so that it runs with the bundle.
import { Session } from 'node:inspector'

const session = new Session()
session.connect()
const post = (method, params) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  )

process.on('message', (message) => {
  if (message === 'profile:start') {
    post('Profiler.enable')
      .then(() => post('Profiler.setSamplingInterval', { interval: 100 }))
      .then(() => post('Profiler.start'))
      .then(() => process.send?.('profile:started'))
  } else if (message === 'profile:stop') {
    post('Profiler.stop').then(({ profile }) => process.send?.(profile))
  }
})
process.channel?.unref()
