import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { blockDestination } from './buffered-stdout.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function destinationInFile() {
  const dir = mkdtempSync(join(tmpdir(), 'block-destination-'))
  dirs.push(dir)
  const path = join(dir, 'out.log')
  const destination = blockDestination(path)
  const close = () => {
    destination.flushSync()
    destination.destroy()
    return readFileSync(path, 'utf8')
  }
  return { destination, close }
}

/** A log line of about 200 bytes, `i`-th, with characters of 1 to 4 bytes of UTF-8. */
const line = (i: number) =>
  `${JSON.stringify({ level: 'info', i, requestId: crypto.randomUUID(), text: 'ação 🚀 ✓ ok'.repeat(i % 5) })}\n`

describe('blockDestination', () => {
  it('writes every line whole and in order, across blocks and multi-byte characters', () => {
    const { destination, close } = destinationInFile()
    const lines = Array.from({ length: 2_000 }, (_, i) => line(i))
    // Lines of 5 to 20 KB, past sonic-boom's 16 KiB maxWrite: where the buffered block's own length is measured.
    for (const [at, kilobytes] of [
      [10, 5],
      [500, 12],
      [1_200, 20],
    ] as const) {
      lines.splice(at, 0, `${'€'.repeat((kilobytes * 1024) / 3)}\n`)
    }
    for (const text of lines) destination.write(text)
    expect(close()).toBe(lines.join(''))
  })

  it('measures each line once, never the block it buffers (the sonic-boom patch)', () => {
    const { destination, close } = destinationInFile()
    const lines = Array.from({ length: 1_000 }, (_, i) => line(i))
    const byteLength = Buffer.byteLength
    let measured = 0
    Buffer.byteLength = ((text: string, ...rest: []) => {
      measured += text.length
      return byteLength(text, ...rest)
    }) as typeof Buffer.byteLength
    try {
      for (const text of lines) destination.write(text)
    } finally {
      Buffer.byteLength = byteLength
    }
    close()
    // Unpatched, each write also measured the block buffered so far: about ten times the lines' own length here.
    expect(measured).toBe(lines.reduce((sum, text) => sum + text.length, 0))
  })
})
