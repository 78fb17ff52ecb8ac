import type { OpenAPIHono } from '@hono/zod-openapi'
import { ErrorSchema } from '@repo/contracts/errors'
import { Scalar } from '@scalar/hono-api-reference'
import type { z } from 'zod'
import type { AppEnv } from './app-env.js'

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

export const errorContent = (description: string) => jsonContent(ErrorSchema, description)

/** The security scheme of the routes that write: API_WRITE_TOKEN as a bearer token. */
export const WRITE_TOKEN_SCHEME = 'writeToken'

export function mountDocs(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', WRITE_TOKEN_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'The API_WRITE_TOKEN of the server; required only when the server sets one.',
  })
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Posts API',
      version: '1.0.0',
      description: 'Posts in PostgreSQL, a cache-aside read and a request counter in Redis.',
    },
  })
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Posts API' }))
}
