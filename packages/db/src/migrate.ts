import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Db } from './client.js'

/**
 * The package's own migrations. An app bundled into one file must ship this folder at `../migrations/` relative
 * to the bundle, or pass its location as `directory`.
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url))

// Any fixed number works, as long as nothing else in the database takes the same advisory lock.
const MIGRATION_LOCK = 4_720_001

const migrationFile = /^(\d+)_[\w-]+\.sql$/

export interface MigrationFile {
  version: number
  /** File name, e.g. `0001_create_posts.sql`. */
  name: string
}

/** The `NNNN_name.sql` files of `directory`, in order of their number; files that are not SQL are ignored. */
export async function readMigrations(directory: string): Promise<MigrationFile[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.sql'))
  const migrations = files.map((name) => {
    const version = migrationFile.exec(name)?.[1]
    if (version === undefined) {
      throw new Error(`Migration file ${name} in ${directory} is not named like 0001_name.sql`)
    }
    return { version: Number(version), name }
  })
  migrations.sort((a, b) => a.version - b.version)
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1]
    if (previous?.version === migration.version) {
      throw new Error(
        `Migration files ${previous.name} and ${migration.name} share the number ${migration.version}`,
      )
    }
  })
  return migrations
}

/**
 * Applies, in order and in one transaction, the migrations not yet recorded in `schema_migrations`; returns the
 * names of those it applied. Processes that start together queue on an advisory lock, so each migration runs
 * exactly once, and a failing migration leaves the database as it was.
 */
export async function migrate(
  db: Db,
  options: { directory?: string } = {},
): Promise<{ applied: string[] }> {
  const { directory = MIGRATIONS_DIR } = options
  const migrations = await readMigrations(directory)
  const applied = await db.begin(async (tx) => {
    // Taken first: even `create table if not exists` fails when two sessions run it at the same moment.
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`
    // Waiting for the lock, or a long migration, must not hit the pool's statement_timeout.
    await tx`set local statement_timeout = 0`
    await tx`
      create table if not exists schema_migrations (
        version int primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )
    `
    const recorded = await tx<{ version: number }[]>`select version from schema_migrations`
    const done = new Set(recorded.map((row) => row.version))
    const pending = migrations.filter((migration) => !done.has(migration.version))
    for (const { version, name } of pending) {
      await tx.file(join(directory, name))
      await tx`insert into schema_migrations (version, name) values (${version}, ${name})`
    }
    return pending.map((migration) => migration.name)
  })
  return { applied }
}
