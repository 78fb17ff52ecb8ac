import type { OpenAPIHono } from '@hono/zod-openapi'
import { ErrorSchema } from '@repo/contracts/errors'
import { Scalar } from '@scalar/hono-api-reference'
import type { z } from 'zod'
import type { AppEnv } from './app-env.js'
import { docsHeaders } from './middleware/page-headers.js'

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

export const errorContent = (description: string) => jsonContent(ErrorSchema, description)

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

/** The OpenAPI 3.1 document of every route registered with `app.openapi`. */
export function openApiDocument(app: OpenAPIHono<AppEnv>) {
  const document = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Posts API',
      version: '1.0.0',
      description: 'Posts in PostgreSQL, a cache-aside read and a request counter in Redis.',
    },
    servers: [{ url: '/', description: 'The server that serves this document' }],
  })
  // An operation that declares no security needs none, and the document says so rather than leave it unsaid.
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item[method]
      if (operation) operation.security ??= []
    }
  }
  return document
}

/** The security scheme of the routes that write: API_WRITE_TOKEN as a bearer token. */
export const WRITE_TOKEN_SCHEME = 'writeToken'

export function mountDocs(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', WRITE_TOKEN_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'The API_WRITE_TOKEN of the server; required only when the server sets one.',
  })
  app.get('/openapi.json', (c) => c.json(openApiDocument(app)))
  // The renderer's script is served by the app (routes/assets.ts), so the page works with no network.
  app.get(
    '/docs',
    docsHeaders,
    Scalar((c) => ({
      url: '/openapi.json',
      pageTitle: 'Posts API',
      cdn: '/docs/api-reference.js',
      nonce: c.get('secureHeadersNonce'),
      // Nothing from elsewhere: no web fonts, no telemetry, none of the hosted services' buttons.
      withDefaultFonts: false,
      telemetry: false,
      showDeveloperTools: 'never',
      agent: { disabled: true },
      mcp: { disabled: true },
      favicon: 'data:,',
    })),
  )
}
