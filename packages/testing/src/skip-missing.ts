// A setup file of every package's vitest run (see vitest-config.ts).
import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { beforeAll, type RunnerTask } from 'vitest'
import { missingReason } from './needs.js'

/** Where the not-run files are listed, one JSON line each, for `.ci/run`'s totals. */
export const NOT_RUN_FILE_VARIABLE = 'TEST_NOT_RUN_FILE'

function skipAll(task: RunnerTask): void {
  task.mode = 'skip'
  if ('tasks' in task) for (const child of task.tasks) skipAll(child)
}

// Runs before the file's own hooks, once its imports have said what it needs. (Vitest wants the first
// argument destructured.)
// biome-ignore lint/correctness/noEmptyPattern: the context is not needed, the suite is.
beforeAll(({}, suite) => {
  const reason = missingReason()
  if (reason === undefined) return
  skipAll(suite)
  const file = suite.file.filepath
  console.warn(`not run: ${file}: ${reason}`)
  const list = process.env[NOT_RUN_FILE_VARIABLE]
  if (list) {
    mkdirSync(dirname(list), { recursive: true })
    appendFileSync(list, `${JSON.stringify({ file, reason })}\n`)
  }
})
