import { OpenAPIHono } from '@hono/zod-openapi'
import type { Cache } from '@repo/cache/cache'
import type { Db } from '@repo/db/client'
import { isDatabaseUnavailable, isLoginRefused } from '@repo/db/client'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { secureHeaders } from 'hono/secure-headers'
import { timeout } from 'hono/timeout'
import type { Config } from './config.js'
import { ApiError, errorResponse, toErrorDetails } from './errors.js'
import { createLogger, describeEndpoint, describeError, type Logger } from './logger.js'
import { mountDocs } from './openapi.js'
import { requestLog } from './request-log.js'
import { counterRoutes } from './routes/counter.js'
import { healthRoutes } from './routes/health.js'
import { postRoutes } from './routes/posts.js'

export interface AppDeps {
  db: Db
  cache: Cache
  config: Config
  logger?: Logger
}

export type App = ReturnType<typeof createApp>

export function createApp({ db, cache, config, logger = createLogger(config.LOG_LEVEL) }: AppDeps) {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        return errorResponse(c, 400, 'Dados inválidos', toErrorDetails(result.error))
      }
    },
  })

  app.use(requestLog(logger))
  app.use(methodNotAllowed({ app, onMethodNotAllowed }))
  app.use(secureHeaders())
  if (config.CORS_ORIGINS.length > 0) app.use(cors({ origin: config.CORS_ORIGINS }))
  app.use(
    timeout(
      config.REQUEST_TIMEOUT_MS,
      () => new ApiError(503, 'Tempo limite da requisição esgotado'),
    ),
  )

  app.route('/', healthRoutes({ db, cache }))
  app.route('/', postRoutes({ db, cache, config, logger }))
  app.route('/', counterRoutes({ db, cache }))
  mountDocs(app)

  app.notFound((c) => errorResponse(c, 404, 'Rota não encontrada'))
  app.onError((error, c) => {
    if (error instanceof ApiError)
      return errorResponse(c, error.status, error.message, error.detalhes)
    if (isDatabaseUnavailable(error) || isLoginRefused(error)) {
      const database = describeEndpoint(config.DATABASE_URL)
      logger.warn('database unavailable', { database, ...describeError(error) })
      return errorResponse(c, 503, 'Banco de dados indisponível')
    }
    // Raised by Hono itself, with an English message: answer in the API's language.
    if (error instanceof HTTPException && error.status < 500) {
      return errorResponse(c, error.status, 'Requisição inválida')
    }
    logger.error('unexpected error', { ...describeError(error), stack: error.stack })
    return errorResponse(c, 500, 'Erro interno do servidor')
  })
  return app
}

function onMethodNotAllowed(c: Parameters<typeof errorResponse>[0], methods: string[]) {
  c.header('Allow', methods.join(', '))
  return errorResponse(c, 405, 'Método não permitido')
}
