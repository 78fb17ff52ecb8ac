// Preloaded into the app by scripts/app-under-test.ts (`node --import`): answers 'memory' on the IPC channel with
// process.memoryUsage(), so a load script can report the app's heap. Plain JS so that it also runs with the bundle.
process.on('message', (message) => {
  if (message === 'memory') process.send?.(process.memoryUsage())
})
process.channel?.unref()
