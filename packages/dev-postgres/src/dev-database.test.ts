import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { embeddedBinDir } from './binaries.js'
import { type DevDatabase, DevDatabaseError, startDevDatabase } from './dev-database.js'

/** @repo/testing's freePort cannot be used here: @repo/testing depends on this package for its binaries. */
async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}

const root = mkdtempSync(join(tmpdir(), 'dev-database-'))
// As root the server runs as another user, who must be able to reach the data folder.
chmodSync(root, 0o755)
const started: DevDatabase[] = []
let folders = 0

afterAll(async () => {
  await Promise.all(started.map((database) => database.stop()))
  rmSync(root, { recursive: true, force: true })
})

/** A data folder no other test uses, under the test's temporary root. */
const freshDataDir = () => join(root, `run-${++folders}`, 'postgres')

async function start(dataDir: string, port?: number) {
  const database = await startDevDatabase({
    dataDir,
    port: port ?? (await freePort()),
    resetCommand: 'pnpm db:reset',
  })
  started.push(database)
  return database
}

async function query<T extends object>(url: string, run: (sql: postgres.Sql) => Promise<T>) {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    return await run(sql)
  } finally {
    await sql.end()
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('startDevDatabase', () => {
  it('is installed from npm for this platform', () => {
    expect(embeddedBinDir()).toBeDefined()
  })

  it('makes the cluster on first use, keeps what was written across a stop and a start, and stops every process', async () => {
    const dataDir = freshDataDir()
    const first = await start(dataDir)
    expect(first.created).toBe(true)
    await query(first.url, (sql) => sql`create table kept (note text)`)
    await query(first.url, (sql) => sql`insert into kept values ('still here')`)
    const [{ pid } = { pid: 0 }] = await query(
      first.url,
      (sql) => sql<{ pid: number }[]>`select pg_backend_pid() as pid`,
    )
    await first.stop()
    expect(isAlive(pid)).toBe(false)

    const second = await start(dataDir)
    expect(second.created).toBe(false)
    expect(await query(second.url, (sql) => sql`select note from kept`)).toEqual([
      { note: 'still here' },
    ])
    await second.stop()
  })

  it('refuses a data folder of another PostgreSQL major version, and says how to reset it', async () => {
    const dataDir = freshDataDir()
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(join(dataDir, 'PG_VERSION'), '16\n')
    const error = await start(dataDir).catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(DevDatabaseError)
    expect((error as Error).message).toMatch(
      /made by PostgreSQL 16; the embedded server is PostgreSQL 15/,
    )
    expect((error as Error).message).toContain('pnpm db:reset')
  })

  it('refuses a folder that holds something other than a cluster', async () => {
    const dataDir = freshDataDir()
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(join(dataDir, 'notes.txt'), 'not a database')
    await expect(start(dataDir)).rejects.toThrow(/is not a PostgreSQL data folder.*pnpm db:reset/)
  })

  it('says so when the cluster is damaged and cannot start', async () => {
    const dataDir = freshDataDir()
    await (await start(dataDir)).stop()
    rmSync(join(dataDir, 'global', 'pg_control'))
    const error = await start(dataDir).catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(DevDatabaseError)
    expect((error as Error).message).toMatch(/did not start: .*pg_control.*pnpm db:reset/)
  })

  it('says which port is taken, and which variable moves it', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const { port } = taken.address() as { port: number }
    try {
      await expect(start(freshDataDir(), port)).rejects.toThrow(
        `Port ${port} of the embedded PostgreSQL is taken. Set DEV_POSTGRES_PORT`,
      )
    } finally {
      taken.close()
    }
  })

  it('refuses a second server on a data folder in use, naming the PID of the first', async () => {
    const dataDir = freshDataDir()
    const first = await start(dataDir)
    try {
      await expect(start(dataDir)).rejects.toThrow(
        /is in use by a PostgreSQL that is still running \(PID \d+\)/,
      )
      expect(await query(first.url, (sql) => sql`select 1 as answer`)).toEqual([{ answer: 1 }])
    } finally {
      await first.stop()
    }
  })
})
