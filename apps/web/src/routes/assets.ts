import { Hono } from 'hono'
import type { AppEnv } from '../app-env.js'
import { STATIC_ASSET_PATHS, staticAsset, uncompressed } from '../static-assets.js'

/** The bytes of a Buffer, as the Uint8Array a Response body takes, without a copy. */
const bytes = (buffer: Buffer) =>
  new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength)

const acceptsGzip = (header: string | undefined) => /\bgzip\b/i.test(header ?? '')

/** The scripts and styles of the dashboard and the docs, with an ETag; revalidated on every use. */
export function assetRoutes() {
  const app = new Hono<AppEnv>()
  for (const path of STATIC_ASSET_PATHS) {
    app.get(path, (c) => {
      const asset = staticAsset(path)
      if (!asset) return c.notFound()
      c.header('Content-Type', asset.contentType)
      c.header('ETag', asset.etag)
      c.header('Cache-Control', 'no-cache')
      if (asset.gzipped) c.header('Vary', 'Accept-Encoding')
      if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304)
      if (asset.gzipped && acceptsGzip(c.req.header('accept-encoding'))) {
        c.header('Content-Encoding', 'gzip')
        return c.body(bytes(asset.body), 200)
      }
      return c.body(bytes(uncompressed(asset)), 200)
    })
  }
  return app
}
