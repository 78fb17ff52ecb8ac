// A setup file of every package's vitest run (see vitest-config.ts and needs.ts).
import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { beforeAll, type RunnerTask, TestRunner } from 'vitest'

import { missingReason, NOT_RUN_FILE_VARIABLE } from './needs.js'

function skipAll(task: RunnerTask): void {
  task.mode = 'skip'
  if ('tasks' in task) for (const child of task.tasks) skipAll(child)
}

// The first hook of the file, registered before the file's own and run once its imports have said what it
// needs. Vitest wants the first argument destructured.
// biome-ignore lint/correctness/noEmptyPattern: the context is not needed, the suite is.
beforeAll(function skipWhenSomethingIsMissing({}, suite) {
  const reason = missingReason()
  if (reason === undefined) return
  skipAll(suite)
  // The file's own top-level hooks would still run, and set up or clean up what is not there. The runner holds
  // these very lists: they are emptied in place, but for this hook, the first (setup files register first).
  const hooks = TestRunner.getSuiteHooks(suite)
  hooks.beforeAll.splice(1)
  for (const list of [hooks.afterAll, hooks.beforeEach, hooks.afterEach]) list.length = 0
  const file = suite.file.filepath
  console.warn(`not run: ${file}: ${reason}`)
  const list = process.env[NOT_RUN_FILE_VARIABLE]
  if (list) {
    mkdirSync(dirname(list), { recursive: true })
    appendFileSync(list, `${JSON.stringify({ file, reason })}\n`)
  }
})
