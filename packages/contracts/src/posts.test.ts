import { describe, expect, it } from 'vitest'
import { NewPostSchema, PageQuerySchema, PostIdParamSchema, PostSchema } from './posts.js'

describe('NewPostSchema', () => {
  it('trims every string and defaults a missing or blank autor to Anônimo', () => {
    expect(NewPostSchema.parse({ titulo: ' t ', conteudo: '\tc\n' })).toEqual({
      titulo: 't',
      conteudo: 'c',
      autor: 'Anônimo',
    })
    expect(NewPostSchema.parse({ titulo: 't', conteudo: 'c', autor: ' \n ' }).autor).toBe('Anônimo')
  })

  it('drops unknown fields', () => {
    expect(NewPostSchema.parse({ titulo: 't', conteudo: 'c', id: 7 })).not.toHaveProperty('id')
  })

  it('counts length in characters, so 200 emoji fit in titulo and 201 do not', () => {
    expect(NewPostSchema.safeParse({ titulo: '🐘'.repeat(200), conteudo: 'c' }).success).toBe(true)
    expect(NewPostSchema.safeParse({ titulo: '🐘'.repeat(201), conteudo: 'c' }).success).toBe(false)
  })

  it('measures the length after trimming', () => {
    const padded = ` ${'x'.repeat(200)} `
    expect(NewPostSchema.safeParse({ titulo: padded, conteudo: 'c' }).success).toBe(true)
  })

  it('rejects a NUL character, which PostgreSQL text cannot store', () => {
    const result = NewPostSchema.safeParse({ titulo: 't', conteudo: 'a\u0000b' })
    expect(result.error?.issues[0]?.path).toEqual(['conteudo'])
  })

  it('rejects a lone UTF-16 surrogate, which PostgreSQL would store as U+FFFD', () => {
    for (const lone of ['\uD800', 'a\uDFFFb', '\uDC00\uD800']) {
      const result = NewPostSchema.safeParse({ titulo: 't', conteudo: lone })
      expect(result.error?.issues[0]?.path).toEqual(['conteudo'])
    }
    expect(NewPostSchema.safeParse({ titulo: 't', conteudo: '\uD83D\uDE00' }).success).toBe(true)
  })

  it.each([[null], [[]], ['texto'], [42]])(
    'says in Portuguese that the body %j must be an object',
    (body) => {
      expect(NewPostSchema.safeParse(body).error?.issues[0]).toMatchObject({
        path: [],
        message: 'o corpo deve ser um objeto JSON',
      })
    },
  )

  it('says in Portuguese that a missing field is required', () => {
    const result = NewPostSchema.safeParse({ conteudo: 'c' })
    expect(result.error?.issues[0]).toMatchObject({
      path: ['titulo'],
      message: 'campo obrigatório',
    })
  })
})

describe('PageQuerySchema', () => {
  it('defaults to the first 50 posts', () => {
    expect(PageQuerySchema.parse({})).toEqual({ limit: 50, offset: 0 })
  })

  it.each([
    [{ limit: '1' }, { limit: 1, offset: 0 }],
    [
      { limit: '100', offset: '7' },
      { limit: 100, offset: 7 },
    ],
  ])('parses %o', (query, page) => {
    expect(PageQuerySchema.parse(query)).toEqual(page)
  })

  it.each(['0', '101', '-1', '1.5', '', ' 5', '0x10', '1e2'])('rejects limit=%j', (limit) => {
    expect(PageQuerySchema.safeParse({ limit }).success).toBe(false)
  })
})

describe('PostIdParamSchema', () => {
  it('accepts 1 and the largest PostgreSQL integer', () => {
    expect(PostIdParamSchema.parse({ id: '1' }).id).toBe(1)
    expect(PostIdParamSchema.parse({ id: '2147483647' }).id).toBe(2_147_483_647)
  })

  it.each(['0', '2147483648', '-3', 'abc', '1.0', ''])('rejects id=%j', (id) => {
    expect(PostIdParamSchema.safeParse({ id }).success).toBe(false)
  })
})

describe('PostSchema', () => {
  it('requires data_criacao to be ISO-8601 with a time zone', () => {
    const post = { id: 1, titulo: 't', conteudo: 'c', autor: 'a' }
    expect(
      PostSchema.safeParse({ ...post, data_criacao: '2026-11-27T15:30:00.123Z' }).success,
    ).toBe(true)
    expect(PostSchema.safeParse({ ...post, data_criacao: '2026-11-27 15:30' }).success).toBe(false)
  })
})
