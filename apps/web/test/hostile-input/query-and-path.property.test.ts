import { PAGE_LIMIT_MAX, POST_ID_MAX, PostListSchema, PostSchema } from '@repo/contracts/posts'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEnv, type TestEnv } from '../support/in-process.js'
import { nastyString, urlComponent } from './arbitraries.js'
import { expectClientOutcome } from './client-outcome.js'

let env: TestEnv
beforeAll(async () => {
  env = await createTestEnv()
})
afterAll(() => env.close())

const RUNS = 150

/** Digits as a client might type them: signs, spaces, leading zeros, exponents, far out of range. */
const numberLike = fc.oneof(
  fc.integer({ min: -5, max: 150 }).map(String),
  fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map(String),
  fc.nat({ max: 99 }).map((n) => `00${n}`),
  fc.constantFrom(
    '',
    ' 5',
    '5 ',
    '+5',
    '1e2',
    '0x10',
    '1.0',
    '١٢',
    '５',
    '99999999999',
    '2147483648',
  ),
)

const isWholeNumber = (value: string) => /^\d{1,10}$/.test(value)

describe('GET /api/posts with arbitrary query strings', () => {
  it('answers 200 or 400 with an error body for any query string', async () => {
    const key = fc.oneof(
      fc.constantFrom('limit', 'offset', 'LIMIT', 'limit[]', 'limit[a]', ''),
      urlComponent,
    )
    const pair = fc.tuple(key, fc.oneof(urlComponent, numberLike.map(encodeURIComponent)))
    const query = fc
      .array(pair, { maxLength: 5 })
      .map((pairs) => pairs.map(([name, value]) => `${name}=${value}`).join('&'))
    await fc.assert(
      fc.asyncProperty(query, async (search) => {
        const res = await env.app.request(`/api/posts?${search}`)
        await expectClientOutcome(res)
        expect([200, 400]).toContain(res.status)
      }),
      { numRuns: RUNS },
    )
  })

  it('accepts exactly the limits 1..100 and offsets >= 0 written as plain digits', async () => {
    const value = fc.oneof(numberLike, nastyString)
    await fc.assert(
      fc.asyncProperty(fc.option(value), fc.option(value), async (limit, offset) => {
        const params = new URLSearchParams()
        if (limit !== null) params.set('limit', limit)
        if (offset !== null) params.set('offset', offset)
        const res = await env.app.request(`/api/posts?${params}`)
        const body = await expectClientOutcome(res)

        const limitOk =
          limit === null || (isWholeNumber(limit) && +limit >= 1 && +limit <= PAGE_LIMIT_MAX)
        const offsetOk = offset === null || isWholeNumber(offset)
        expect(res.status).toBe(limitOk && offsetOk ? 200 : 400)
        if (res.status === 200) {
          expect(PostListSchema.parse(body).posts.length).toBeLessThanOrEqual(Number(limit ?? 50))
        }
      }),
      { numRuns: RUNS },
    )
  })
})

describe('GET /api/posts/:id with arbitrary ids', () => {
  it('answers 200, 400 or 404 with an error body for any id, URL-encoded junk included', async () => {
    await fc.assert(
      fc.asyncProperty(urlComponent, async (id) => {
        const res = await env.app.request(`/api/posts/${id}`)
        await expectClientOutcome(res)
        expect([200, 400, 404]).toContain(res.status)
      }),
      { numRuns: RUNS },
    )
  })

  it('answers 400 unless the id is a whole number from 1 to 2147483647, then the post or 404', async () => {
    await fc.assert(
      // An empty id is another route (/api/posts/), not an id.
      fc.asyncProperty(numberLike.filter(Boolean), async (id) => {
        const res = await env.app.request(`/api/posts/${encodeURIComponent(id)}`)
        const body = await expectClientOutcome(res)
        const inRange = isWholeNumber(id) && +id >= 1 && +id <= POST_ID_MAX
        if (!inRange) {
          expect(res.status).toBe(400)
          return
        }
        expect([200, 404]).toContain(res.status)
        if (res.status === 200) expect(PostSchema.parse(body).id).toBe(Number(id))
      }),
      { numRuns: RUNS },
    )
  })
})
