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

export function mountDocs(app: OpenAPIHono<AppEnv>) {
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
