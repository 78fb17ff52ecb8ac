// Sums the vitest JSON reports of every package into the one line CI reads: "N passed, N failed, N skipped".
// Files that could not run here (a server they need is missing) are named with the reason first. A package
// with tests but no report (vitest could not start) counts as one failure. Under CI=true a skipped test fails
// the run: the exit code is 1.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'

const dirs = process.argv.slice(2)
if (dirs.length === 0) dirs.push('.reports')

let passed = 0
let failed = 0
let skipped = 0
const failures = []
for (const dir of dirs) {
  const files = existsSync(dir) ? readdirSync(dir) : []
  for (const file of files.filter((name) => name.endsWith('.json'))) {
    const report = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    for (const result of report.testResults) {
      // A file that fails without a failed test of its own (a syntax error, a failing hook): count it as one.
      const failedTests = result.assertionResults.filter(({ status }) => status === 'failed').length
      if (result.status === 'failed' && failedTests === 0) {
        failed++
        failures.push(`${result.name}: ${firstLine(result.message)}`)
      }
      for (const { status, fullName, failureMessages } of result.assertionResults) {
        if (status === 'passed') passed++
        else if (status === 'failed') {
          failed++
          failures.push(`${result.name} > ${fullName}: ${firstLine(failureMessages?.[0])}`)
        } else {
          skipped++
          failures.push(`${result.name} > ${fullName}: ${status}`)
        }
      }
    }
  }
  // Every package reports into the first folder; the others hold extra passes of some of them.
  for (const missing of dir === dirs[0] ? packagesWithoutReport(files) : []) {
    console.log(`no report from ${missing}: its test run did not start`)
    failed++
  }
  const notRun = join(dir, 'not-run.jsonl')
  if (existsSync(notRun)) {
    for (const line of readFileSync(notRun, 'utf8').split('\n').filter(Boolean)) {
      const { file, reason } = JSON.parse(line)
      console.log(`not run: ${file}: ${reason}`)
    }
  }
}
// Last before the totals, so that the tail of the output CI keeps names what failed.
for (const failure of failures) console.log(`not passed: ${failure}`)
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
if (skipped > 0 && process.env.CI === 'true') process.exitCode = 1

function firstLine(message) {
  return (message ?? 'no message').trim().split('\n')[0].slice(0, 300)
}

/** Workspace packages whose `test` script runs vitest, yet wrote no `<folder>.json`. */
function packagesWithoutReport(files) {
  const folders = ['apps', 'packages'].flatMap((parent) =>
    readdirSync(parent).map((name) => join(parent, name)),
  )
  folders.push('infra')
  return folders.filter((folder) => {
    const manifest = join(folder, 'package.json')
    if (!existsSync(manifest)) return false
    const test = JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test ?? ''
    return test.includes('vitest') && !files.includes(`${basename(folder)}.json`)
  })
}
