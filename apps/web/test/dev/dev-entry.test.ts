import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PostSchema } from '@repo/contracts/posts'
import { eventually } from '@repo/testing/eventually'
import { type NodeProcess, spawnNodeWithTsx } from '@repo/testing/node-process'
import { freePort } from '@repo/testing/ports'
import { afterAll, describe, expect, it } from 'vitest'

const appDir = new URL('../..', import.meta.url).pathname
const root = mkdtempSync(join(tmpdir(), 'dev-entry-'))
// As root the embedded server runs as another user, who must be able to reach its data folder.
chmodSync(root, 0o755)
const dataDir = join(root, 'postgres')
const running: NodeProcess[] = []
// The entry inherits this environment: it must name no database and no cache.
delete process.env.DATABASE_URL
delete process.env.REDIS_URL

afterAll(async () => {
  await Promise.all(running.map((entry) => entry.stop('SIGKILL')))
  rmSync(root, { recursive: true, force: true })
})

/** `pnpm dev`'s web entry on a machine with neither DATABASE_URL nor REDIS_URL. */
async function startDevEntry(env: Record<string, string> = {}) {
  const port = await freePort()
  const entry = spawnNodeWithTsx(['src/dev.ts'], {
    cwd: appDir,
    env: {
      PORT: String(port),
      DEV_POSTGRES_DIR: dataDir,
      DEV_POSTGRES_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
      ...env,
    },
  })
  running.push(entry)
  return { entry, url: `http://127.0.0.1:${port}` }
}

describe('pnpm dev with nothing but Node', () => {
  it('serves on an embedded PostgreSQL and the in-process cache, and keeps posts across a Ctrl-C and a restart', async () => {
    const first = await startDevEntry()
    await first.entry.waitForStdout(/"listening"/, 30_000)
    expect(first.entry.stdout()).toMatch(
      /"database":"embedded \(127\.0\.0\.1:\d+\)","cache":"in-process"/,
    )
    expect(await (await fetch(`${first.url}/status`)).json()).toMatchObject({ status: 'ok' })

    const created = await fetch(`${first.url}/api/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ titulo: 'kept', conteudo: 'across restarts' }),
    })
    expect(created.status).toBe(201)
    const post = PostSchema.parse(await created.json())
    const postgresPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])

    expect(await first.entry.stop('SIGINT', 15_000)).toEqual({ code: 0, signal: null })
    expect(() => process.kill(postgresPid, 0)).toThrow()
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false)

    const second = await startDevEntry()
    await second.entry.waitForStdout(/"listening"/, 30_000)
    const read = await eventually(async () => {
      const response = await fetch(`${second.url}/api/posts/${post.id}`)
      return { status: response.status, body: await response.json() }
    })
    expect(read).toEqual({ status: 200, body: post })
    expect(await second.entry.stop('SIGTERM', 15_000)).toEqual({ code: 0, signal: null })
  }, 90_000)

  it('with NODE_ENV=production, a missing DATABASE_URL stops it with the message naming the variable, and starts no server', async () => {
    const { entry } = await startDevEntry({
      NODE_ENV: 'production',
      DEV_POSTGRES_DIR: join(root, 'never'),
    })
    expect(await entry.exited).toEqual({ code: 1, signal: null })
    expect(entry.output()).toContain('Invalid configuration: DATABASE_URL is required')
    expect(existsSync(join(root, 'never'))).toBe(false)
  }, 30_000)
})
