/** A server that shows the ceiling of a route on this machine: it answers the route's path with the least work. */
export type ReferenceName = 'node:http' | 'redis' | 'postgres'

export interface BenchRoute {
  /** What `--route` selects it by. */
  name: string
  label: string
  method: 'GET' | 'POST'
  path: string
  body?: string
  /** The status every answer must have. */
  status: number
  /** Reference servers to compare with, each with the least ratio the route should reach. */
  references: Array<{ name: ReferenceName; target?: number }>
  /** req/s of the original Flask version (gunicorn), measured earlier on this kind of machine; fixed. */
  flask?: number
}

/** At least this many times the Flask version, on every route. */
export const FLASK_TARGET = 5
/** p99 under this at the bench's connections, on every route but POST. */
export const P99_TARGET_MS = 20
export const PEAK_MEMORY_TARGET_MIB = 150
export const COLD_START_TARGET_MS = 1000

export const NEW_POST_BODY = JSON.stringify({
  titulo: 'Post do benchmark',
  conteudo: 'Escrito pelo pnpm bench, numa base de dados descartável.',
  autor: 'bench',
})

/**
 * In the order they run. POST comes last: it grows the table (the list's `total` counts every row) and empties
 * the cache, so the reads before it all see the three posts of a fresh database.
 */
export const ROUTES: BenchRoute[] = [
  {
    name: 'health',
    label: 'GET /health',
    method: 'GET',
    path: '/health',
    status: 200,
    references: [{ name: 'node:http', target: 0.7 }],
    flask: 4199,
  },
  {
    name: 'cache',
    label: 'GET /api/posts/cache (hit)',
    method: 'GET',
    path: '/api/posts/cache',
    status: 200,
    references: [{ name: 'node:http', target: 0.6 }, { name: 'redis' }],
    flask: 2203,
  },
  {
    name: 'posts',
    label: 'GET /api/posts',
    method: 'GET',
    path: '/api/posts',
    status: 200,
    references: [{ name: 'postgres', target: 0.6 }],
    flask: 1168,
  },
  {
    name: 'post',
    label: 'GET /api/posts/:id',
    method: 'GET',
    path: '/api/posts/1',
    status: 200,
    references: [{ name: 'postgres', target: 0.6 }],
  },
  {
    name: 'contador',
    label: 'GET /api/contador',
    method: 'GET',
    path: '/api/contador',
    status: 200,
    references: [{ name: 'redis', target: 0.6 }],
    flask: 2979,
  },
  {
    name: 'stats',
    label: 'GET /api/stats',
    method: 'GET',
    path: '/api/stats',
    status: 200,
    references: [],
    flask: 1395,
  },
  {
    name: 'create',
    label: 'POST /api/posts',
    method: 'POST',
    path: '/api/posts',
    body: NEW_POST_BODY,
    status: 201,
    references: [{ name: 'postgres', target: 0.6 }],
    flask: 1082,
  },
]
