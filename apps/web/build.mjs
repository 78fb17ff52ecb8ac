// Bundles the server and every dependency into dist/server/index.js, so the image needs no node_modules.
// The database migrations travel beside it: @repo/db looks for them at ../migrations/ from the running file.
// The pages' files go to dist/public/ (see src/static-assets.ts): public/ as it is, and the renderer of /docs
// from its pinned npm package, gzipped (served as it is to browsers, which all take gzip).
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const migrations = new URL('../migrations/', import.meta.resolve('@repo/db/migrate'))
const apiReference = join(
  dirname(createRequire(import.meta.url).resolve('@scalar/api-reference')),
  'browser/standalone.js',
)

await rm('dist', { recursive: true, force: true })
await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/server/index.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  // Bundled CommonJS dependencies call require() for Node built-ins; ESM output has no require of its own.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
await cp(migrations, 'dist/migrations', { recursive: true })
await cp('public', 'dist/public', { recursive: true })
await mkdir('dist/public/vendor', { recursive: true })
await writeFile(
  'dist/public/vendor/api-reference.js.gz',
  gzipSync(await readFile(apiReference), { level: 9 }),
)
