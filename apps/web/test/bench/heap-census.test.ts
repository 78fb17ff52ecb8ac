import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeHeapSnapshot } from 'node:v8'
import { afterAll, describe, expect, it } from 'vitest'
import { censusPer, heapCensus } from '../../scripts/bench/heap-census.js'

const dir = mkdtempSync(join(tmpdir(), 'heap-census-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('heapCensus (pnpm --filter web gc-pressure)', () => {
  it('counts what each of many suspended async functions holds, apart from the rest of the heap', async () => {
    const waiters = 500
    const before = heapCensus(writeHeapSnapshot(join(dir, 'before.heapsnapshot')))
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const held = Array.from({ length: waiters }, async (_, index) => {
      const payload = { index, text: `waiter ${index}` }
      await gate
      return payload
    })
    const during = heapCensus(writeHeapSnapshot(join(dir, 'during.heapsnapshot')))
    release()
    await Promise.all(held)

    const per = censusPer(before, during, waiters)
    // Each waiter: its suspended function, its promise (and the reaction to the gate), its payload and string.
    expect(per.asyncFunctions).toBeCloseTo(1, 1)
    expect(per.promises).toBeGreaterThanOrEqual(1)
    expect(per.promises).toBeLessThan(1.2)
    expect(per.byKind.get('Generator')?.count).toBeCloseTo(1, 1)
    expect(per.byKind.get('Object')?.count).toBeGreaterThanOrEqual(1)
    expect(per.bytes).toBeGreaterThan(200)
    expect(per.bytes).toBeLessThan(2_000)
  })
})
