import { Counter, Histogram, type Registry } from 'prom-client'

type Label = 'method' | 'route' | 'status'

interface Series {
  requests: { inc(): void }
  duration: { observe(seconds: number): void }
}

/** Seconds; from well under a millisecond (/health) up to REQUEST_TIMEOUT_MS's default of 10 s. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * `http_requests_total` and `http_request_duration_seconds`, by method, route pattern and status. The label values
 * of each series are bound once, on its first request, and found again through nested maps: a request allocates
 * no label object and builds no key.
 */
export class HttpMetrics {
  readonly #requests: Counter<Label>
  readonly #duration: Histogram<Label>
  readonly #series = new Map<string, Map<string, Map<number, Series>>>()

  constructor(registry: Registry) {
    const labelNames = ['method', 'route', 'status'] as const
    this.#requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames,
      registers: [registry],
    })
    this.#duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from the request reaching the app to its answer, by method, route pattern and status.',
      labelNames,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    })
  }

  /** `method` and `route` must already be labels (methodLabel, routeLabel): never a value a client chose. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const series = this.#seriesOf(method, route, status)
    series.requests.inc()
    series.duration.observe(seconds)
  }

  #seriesOf(method: string, route: string, status: number): Series {
    let byRoute = this.#series.get(method)
    if (byRoute === undefined) {
      byRoute = new Map()
      this.#series.set(method, byRoute)
    }
    let byStatus = byRoute.get(route)
    if (byStatus === undefined) {
      byStatus = new Map()
      byRoute.set(route, byStatus)
    }
    return byStatus.get(status) ?? this.#addSeries(byStatus, method, route, status)
  }

  #addSeries(byStatus: Map<number, Series>, method: string, route: string, status: number) {
    const labels = [method, route, String(status)] as const
    const series = {
      requests: this.#requests.labels(...labels),
      duration: this.#duration.labels(...labels),
    }
    byStatus.set(status, series)
    return series
  }
}
