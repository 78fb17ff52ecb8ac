import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { eventually } from '@repo/testing/eventually'
import { afterEach, describe, expect, it } from 'vitest'

const LOGGER = new URL('./logger.ts', import.meta.url).href

const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
})

/** A process that runs `script` with `logger` made by createLogger('info') on its real stdout; its lines. */
function run(script: string) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { createLogger } from ${JSON.stringify(LOGGER)}\nconst logger = createLogger('info')\n${script}`,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  )
  children.push(child)
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    output += chunk
  })
  const messages = () =>
    output
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line).message as string)
  return { child, messages }
}

describe('createLogger on stdout', () => {
  it('sends a line within a moment, with no more lines to fill the buffer, while the process lives on', async () => {
    const { messages } = run(`logger.info('one'); logger.info('two'); setInterval(() => {}, 1000)`)
    await eventually(() => expect(messages()).toEqual(['one', 'two']))
  })

  it('loses no line when the process exits, by itself or by an uncaught exception', async () => {
    const exits = run(`for (let i = 0; i < 50; i++) logger.info('line ' + i); process.exit(0)`)
    const throws = run(
      `for (let i = 0; i < 50; i++) logger.info('line ' + i); throw new Error('boom')`,
    )
    const expected = Array.from({ length: 50 }, (_, i) => `line ${i}`)
    await Promise.all([once(exits.child, 'close'), once(throws.child, 'close')])
    expect(exits.messages()).toEqual(expected)
    expect(throws.messages()).toEqual(expected)
  })

  it('sends a line at error at once, with every line before it, even when SIGKILL follows', async () => {
    const { child, messages } = run(
      `logger.info('before'); logger.error('failed'); process.kill(process.pid, 'SIGKILL')`,
    )
    await once(child, 'close')
    expect(messages()).toEqual(['before', 'failed'])
  })
})
