// Sums the vitest JSON reports of every package into the one line CI reads: "N passed, N failed".
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

const dir = process.argv[2] ?? '.reports'
const files = await readdir(dir).catch(() => [])
let passed = 0
let failed = 0
for (const file of files.filter((name) => name.endsWith('.json'))) {
  const report = JSON.parse(await readFile(join(dir, file), 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests
  // A file that fails to load (syntax error, failing hook) has no failed test of its own: count it as one.
  failed += report.testResults.filter(
    (r) => r.status === 'failed' && r.assertionResults.length === 0,
  ).length
}
console.log(`${passed} passed, ${failed} failed`)
