import { OpenAPIHono } from '@hono/zod-openapi'
import type { Cache } from '@repo/cache/cache'
import type { Db } from '@repo/db/client'
import { isDatabaseUnavailable, isLoginRefused } from '@repo/db/client'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import { Registry } from 'prom-client'
import type { AppEnv } from './app-env.js'
import type { Config } from './config.js'
import { ApiError, errorResponse, ServiceUnavailable, toErrorDetails } from './errors.js'
import { databaseFanOut } from './events/fan-out.js'
import { createEventHub } from './events/hub.js'
import { describeError, type Logger } from './logger.js'
import { postsCacheMetrics, watchRedisConnection } from './metrics/cache-metrics.js'
import { countedQueries, queriesInFlight } from './metrics/db-queries.js'
import { HttpMetrics } from './metrics/http-metrics.js'
import { watchRequestGate } from './metrics/load-metrics.js'
import { loadShed, RequestGate } from './middleware/load-shed.js'
import { requestFrame } from './middleware/request-frame.js'
import { mountDocs } from './openapi.js'
import { assetRoutes } from './routes/assets.js'
import { counterRoutes } from './routes/counter.js'
import { dashboardRoutes } from './routes/dashboard.js'
import { eventRoutes } from './routes/events.js'
import { healthRoutes } from './routes/health.js'
import { metricsRoutes } from './routes/metrics.js'
import { postRoutes } from './routes/posts.js'
import { StaticRouteCache } from './static-route-cache.js'
import { unmatchedRequests } from './unmatched.js'

/** The settings the app itself reads; the connection strings stay with whoever creates `db` and `cache`. */
export type AppConfig = Pick<
  Config,
  | 'CACHE_TTL_SECONDS'
  | 'CORS_ORIGINS'
  | 'REQUEST_TIMEOUT_MS'
  | 'METRICS_PORT'
  | 'EVENT_STREAMS_MAX'
  | 'EVENT_HEARTBEAT_MS'
  | 'MAX_REQUESTS_IN_FLIGHT'
  | 'MAX_REQUESTS_QUEUED'
  | 'MAX_QUEUE_WAIT_MS'
  | 'API_WRITE_TOKEN'
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
  /** Aborted when the server starts to shut down: the open event streams end, so that the drain is not held. */
  stopping?: AbortSignal
}

export type App = ReturnType<typeof createApp>

export function createApp({
  db,
  cache,
  config,
  logger,
  metrics = new Registry(),
  stopping,
}: AppDeps) {
  const http = new HttpMetrics(metrics)
  const queries = countedQueries(db, queriesInFlight(metrics, db.options.max))
  const cacheMetrics = postsCacheMetrics(metrics)
  watchRedisConnection(metrics, cache)
  const hub = createEventHub({ maxStreams: config.EVENT_STREAMS_MAX, metrics })
  const fanOut = databaseFanOut({ db, queries, hub, logger })
  stopping?.addEventListener('abort', () => {
    hub.close()
    fanOut.close()
  })
  const gate = new RequestGate({
    maxInFlight: config.MAX_REQUESTS_IN_FLIGHT,
    maxQueued: config.MAX_REQUESTS_QUEUED,
    maxQueueWaitMs: config.MAX_QUEUE_WAIT_MS,
  })
  const countShed = watchRequestGate(metrics, gate)

  const app = new OpenAPIHono<AppEnv>({
    router: new StaticRouteCache(),
    defaultHook: (result, c) => {
      if (!result.success) {
        return errorResponse(c, 400, 'Dados inválidos', toErrorDetails(result.error))
      }
    },
  })

  app.use(requestFrame(logger, http))
  if (config.CORS_ORIGINS.length > 0) app.use(cors({ origin: config.CORS_ORIGINS }))
  app.use(loadShed(gate, { deadlineMs: config.REQUEST_TIMEOUT_MS, onShed: countShed }))

  app.route('/', healthRoutes({ queries, cache }))
  app.route(
    '/',
    postRoutes({
      queries,
      cache,
      cacheTtlSeconds: config.CACHE_TTL_SECONDS,
      cacheMetrics,
      writeToken: config.API_WRITE_TOKEN,
    }),
  )
  app.route('/', counterRoutes({ queries, cache, onCount: fanOut.counterChanged }))
  app.route('/', eventRoutes({ hub, fanOut, heartbeatMs: config.EVENT_HEARTBEAT_MS }))
  app.route('/', dashboardRoutes())
  app.route('/', assetRoutes())
  if (config.METRICS_PORT === undefined) app.route('/', metricsRoutes(metrics))
  mountDocs(app)

  app.notFound(
    unmatchedRequests(app, {
      notFound: (c) => errorResponse(c, 404, 'Rota não encontrada'),
      methodNotAllowed,
    }),
  )
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

function methodNotAllowed(c: Parameters<typeof errorResponse>[0], methods: string[]) {
  c.header('Allow', methods.join(', '))
  return errorResponse(c, 405, 'Método não permitido')
}
