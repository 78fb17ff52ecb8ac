import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
// Not createRequire: the bundle's banner (build.mjs) declares that name.
import { createRequire as requireFrom } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'

/**
 * The files the pages load, all from this app: no CDN. From the sources (`src/`) that is `public/` and, for the
 * docs' renderer, the pinned npm package; from the bundle (`dist/server/`) it is `dist/public/`, where the build
 * copies both (build.mjs), the renderer gzipped.
 */
const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url))

/** Where the built app keeps the renderer of /docs, gzipped. */
export const API_REFERENCE_BUNDLED = 'vendor/api-reference.js.gz'
/** The single-file build of @scalar/api-reference, which defines `window.Scalar`. */
export const apiReferenceInPackage = (): string =>
  join(
    dirname(requireFrom(import.meta.url).resolve('@scalar/api-reference')),
    'browser/standalone.js',
  )

export interface StaticAsset {
  contentType: string
  body: Buffer
  /** The body is gzip: send it with Content-Encoding gzip to clients that take it. */
  gzipped: boolean
  etag: string
}

const JS = 'text/javascript; charset=utf-8'
const CSS = 'text/css; charset=utf-8'

/** Every file served, by URL path: nothing else on disk can be asked for. */
const SOURCES: Record<
  string,
  { contentType: string; locate: () => [path: string, gzipped: boolean] }
> = {
  '/assets/dashboard.js': { contentType: JS, locate: () => [`${PUBLIC_DIR}dashboard.js`, false] },
  '/assets/dashboard.css': {
    contentType: CSS,
    locate: () => [`${PUBLIC_DIR}dashboard.css`, false],
  },
  '/docs/api-reference.js': {
    contentType: JS,
    locate: () => {
      const bundled = `${PUBLIC_DIR}${API_REFERENCE_BUNDLED}`
      return existsSync(bundled) ? [bundled, true] : [apiReferenceInPackage(), false]
    },
  },
}

export const STATIC_ASSET_PATHS = Object.keys(SOURCES)

const loaded = new Map<string, StaticAsset>()

/** The file served at `urlPath`, read once per process. */
export function staticAsset(urlPath: string): StaticAsset | undefined {
  const source = SOURCES[urlPath]
  if (!source) return undefined
  let asset = loaded.get(urlPath)
  if (!asset) {
    const [path, gzipped] = source.locate()
    const body = readFileSync(path)
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`
    asset = { contentType: source.contentType, body, gzipped, etag }
    loaded.set(urlPath, asset)
  }
  return asset
}

const plainBodies = new WeakMap<StaticAsset, Buffer>()

/** The body as the file holds it, for a client that takes no gzip. */
export function uncompressed(asset: StaticAsset): Buffer {
  if (!asset.gzipped) return asset.body
  let plain = plainBodies.get(asset)
  if (!plain) {
    plain = gunzipSync(asset.body)
    plainBodies.set(asset, plain)
  }
  return plain
}
