// Bundles the server and every dependency into dist/server/index.js, so the image needs no node_modules.
// The database migrations travel beside it: @repo/db looks for them at ../migrations/ from the running file.
import { cp, rm } from 'node:fs/promises'
import { build } from 'esbuild'

const migrations = new URL('../migrations/', import.meta.resolve('@repo/db/migrate'))

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
