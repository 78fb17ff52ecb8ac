import { OpenAPIHono } from '@hono/zod-openapi'
import type { Cache } from '@repo/cache/cache'
import type { Db } from '@repo/db/client'
import { isDatabaseUnavailable, isLoginRefused } from '@repo/db/client'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { secureHeaders } from 'hono/secure-headers'
import { Registry } from 'prom-client'
import type { AppEnv } from './app-env.js'
import type { Config } from './config.js'
import { ApiError, errorResponse, ServiceUnavailable, toErrorDetails } from './errors.js'
import { describeError, type Logger } from './logger.js'
import { postsCacheMetrics, watchRedisConnection } from './metrics/cache-metrics.js'
import { countedQueries, queriesInFlight } from './metrics/db-queries.js'
import { HttpMetrics } from './metrics/http-metrics.js'
import { httpMetrics } from './middleware/http-metrics.js'
import { requestId } from './middleware/request-id.js'
import { requestLog } from './middleware/request-log.js'
import { requestTimeout } from './middleware/request-timeout.js'
import { mountDocs } from './openapi.js'
import { counterRoutes } from './routes/counter.js'
import { healthRoutes } from './routes/health.js'
import { metricsRoutes } from './routes/metrics.js'
import { postRoutes } from './routes/posts.js'

/** The settings the app itself reads; the connection strings stay with whoever creates `db` and `cache`. */
export type AppConfig = Pick<
  Config,
  'CACHE_TTL_SECONDS' | 'CORS_ORIGINS' | 'REQUEST_TIMEOUT_MS' | 'METRICS_PORT'
>

export interface AppDeps {
  db: Db
  cache: Cache
  config: AppConfig
  logger: Logger
  /**
   * Where the app registers its metrics; one per app. Default: a registry of its own. With METRICS_PORT unset the
   * app answers GET /metrics from it; otherwise whoever serves that port does.
   */
  metrics?: Registry
}

export type App = ReturnType<typeof createApp>

export function createApp({ db, cache, config, logger, metrics = new Registry() }: AppDeps) {
  const http = new HttpMetrics(metrics)
  const queries = countedQueries(db, queriesInFlight(metrics, db.options.max))
  const cacheMetrics = postsCacheMetrics(metrics)
  watchRedisConnection(metrics, cache)

  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return errorResponse(c, 400, 'Dados inválidos', toErrorDetails(result.error))
      }
    },
  })

  app.use(requestId(logger))
  app.use(requestLog)
  app.use(httpMetrics(http))
  app.use(methodNotAllowed({ app, onMethodNotAllowed }))
  app.use(secureHeaders())
  if (config.CORS_ORIGINS.length > 0) app.use(cors({ origin: config.CORS_ORIGINS }))
  app.use(requestTimeout(config.REQUEST_TIMEOUT_MS))

  app.route('/', healthRoutes({ queries, cache }))
  app.route(
    '/',
    postRoutes({ queries, cache, cacheTtlSeconds: config.CACHE_TTL_SECONDS, cacheMetrics }),
  )
  app.route('/', counterRoutes({ queries, cache }))
  if (config.METRICS_PORT === undefined) app.route('/', metricsRoutes(metrics))
  mountDocs(app)

  app.notFound((c) => errorResponse(c, 404, 'Rota não encontrada'))
  app.onError((error, c) => {
    const log = c.get('logger') ?? logger
    if (error instanceof ServiceUnavailable) c.set('errorKind', error.kind)
    if (error instanceof ApiError)
      return errorResponse(c, error.status, error.message, error.detalhes)
    if (isDatabaseUnavailable(error) || isLoginRefused(error)) {
      c.set('errorKind', 'database unavailable')
      log.warn(describeError(error), 'database unavailable')
      return errorResponse(c, 503, 'Banco de dados indisponível')
    }
    // Raised by Hono itself, with an English message: answer in the API's language.
    if (error instanceof HTTPException && error.status < 500) {
      return errorResponse(c, error.status, 'Requisição inválida')
    }
    c.set('errorKind', 'unexpected')
    log.error({ ...describeError(error), stack: error.stack }, 'unexpected error')
    return errorResponse(c, 500, 'Erro interno do servidor')
  })
  return app
}

function onMethodNotAllowed(c: Parameters<typeof errorResponse>[0], methods: string[]) {
  c.header('Allow', methods.join(', '))
  return errorResponse(c, 405, 'Método não permitido')
}
