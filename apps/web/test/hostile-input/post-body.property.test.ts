import {
  AUTHOR_MAX,
  CONTENT_MAX,
  DEFAULT_AUTHOR,
  PostSchema,
  TITLE_MAX,
} from '@repo/contracts/posts'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from '../../src/request-guards.js'
import { createTestEnv, type TestEnv } from '../support/in-process.js'
import { fieldText, nastyString, padded } from './arbitraries.js'
import { errorPaths, expectClientOutcome } from './client-outcome.js'

let env: TestEnv
beforeAll(async () => {
  env = await createTestEnv()
})
afterAll(() => env.close())

const RUNS = 150
const MAX = { titulo: TITLE_MAX, conteudo: CONTENT_MAX, autor: AUTHOR_MAX } as const
type Field = keyof typeof MAX

const post = (body: string | Uint8Array, contentType = 'application/json') =>
  env.app.request('/api/posts', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  })

/**
 * The contract's rule for one field, written independently of the zod schema: a string that, once trimmed, is
 * 1..max code points long, with no NUL and no lone surrogate (neither can be stored verbatim). `autor` may be
 * missing or blank.
 */
function expectedField(
  field: Field,
  value: unknown,
): { valid: true; stored: string } | { valid: false } {
  if (field === 'autor' && value === undefined) return { valid: true, stored: DEFAULT_AUTHOR }
  if (typeof value !== 'string') return { valid: false }
  const trimmed = value.trim()
  if (field === 'autor' && trimmed === '') return { valid: true, stored: DEFAULT_AUTHOR }
  const length = [...trimmed].length
  const storable = !trimmed.includes('\0') && !/[\uD800-\uDFFF]/u.test(trimmed)
  return length >= 1 && length <= MAX[field] && storable
    ? { valid: true, stored: trimmed }
    : { valid: false }
}

async function readBack(id: number) {
  const res = await env.app.request(`/api/posts/${id}`)
  const [row] = await env.db<{ titulo: string; conteudo: string; autor: string }[]>`
    select titulo, conteudo, autor from posts where id = ${id}
  `
  return { viaApi: PostSchema.parse(await res.json()), inDatabase: row }
}

describe('POST /api/posts with arbitrary input', () => {
  it('answers 2xx or a 4xx error body for any JSON value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        await expectClientOutcome(await post(JSON.stringify(value)))
      }),
      { numRuns: RUNS },
    )
  })

  it('answers 2xx or a 4xx error body for any bytes or text sent as JSON', async () => {
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-16',
      'application/problem+json',
      'APPLICATION/JSON',
      'application/jsonx',
      'text/json',
      '',
    )
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      nastyString,
      fc.string({ unit: 'binary' }),
      fc.constantFrom('{', '{"titulo":', '{"titulo":"t",}', "{'titulo':'t'}", '\uFEFF{}', 'NaN'),
    )
    await fc.assert(
      fc.asyncProperty(body, contentType, async (payload, type) => {
        const res = await post(payload, type)
        await expectClientOutcome(res)
        expect(res.status).not.toBe(201)
      }),
      { numRuns: RUNS },
    )
  })

  it('creates exactly the bodies the contract allows, stores them verbatim, rejects the rest by field', async () => {
    const shape = { titulo: fieldText, conteudo: fieldText, autor: fieldText }
    const fields = fc.oneof(
      fc.record(shape, { requiredKeys: ['titulo', 'conteudo'] }),
      fc.record(shape, { requiredKeys: [] }),
    )
    const extra = fc.dictionary(fc.string({ maxLength: 10 }), fieldText, { maxKeys: 2 })
    await fc.assert(
      fc.asyncProperty(fields, extra, async (raw, unknownFields) => {
        const entries = { ...unknownFields, ...raw }
        const body = `{${Object.entries(entries)
          .map(([key, text]) => `${JSON.stringify(key)}:${text}`)
          .join(',')}}`
        const res = await post(body)
        const answer = await expectClientOutcome(res)

        if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
          expect(res.status).toBe(413)
          return
        }
        const parsed = JSON.parse(body) as Record<string, unknown>
        const expected = {
          titulo: expectedField('titulo', parsed.titulo),
          conteudo: expectedField('conteudo', parsed.conteudo),
          autor: expectedField('autor', parsed.autor),
        }
        const invalid = (Object.keys(expected) as Field[]).filter((f) => !expected[f].valid)
        if (invalid.length > 0) {
          expect(res.status).toBe(400)
          expect([...new Set(errorPaths(answer))].sort()).toEqual(invalid.sort())
          return
        }
        expect(res.status).toBe(201)
        const stored = Object.fromEntries(
          Object.entries(expected).map(([field, e]) => [field, e.valid ? e.stored : undefined]),
        )
        const created = PostSchema.parse(answer)
        expect(created).toMatchObject(stored)
        const { viaApi, inDatabase } = await readBack(created.id)
        expect(viaApi).toEqual(created)
        expect(inDatabase).toEqual(stored)
      }),
      { numRuns: RUNS },
    )
  })

  it('stores every valid text verbatim after trimming: emoji, marks, right-to-left, SQL', async () => {
    const text = (max: number) =>
      padded(nastyString)
        .map((value) => value.replaceAll('\0', '').replace(/[\uD800-\uDFFF]/gu, ''))
        .filter((value) => value.trim() !== '' && [...value.trim()].length <= max)
    await fc.assert(
      fc.asyncProperty(
        text(TITLE_MAX),
        text(CONTENT_MAX),
        text(AUTHOR_MAX),
        async (titulo, conteudo, autor) => {
          const res = await post(JSON.stringify({ titulo, conteudo, autor }))
          expect(res.status).toBe(201)
          const created = PostSchema.parse(await res.json())
          const stored = { titulo: titulo.trim(), conteudo: conteudo.trim(), autor: autor.trim() }
          expect(created).toMatchObject(stored)
          const { viaApi, inDatabase } = await readBack(created.id)
          expect(viaApi).toEqual(created)
          expect(inDatabase).toEqual(stored)
        },
      ),
      { numRuns: RUNS },
    )
  })
})
