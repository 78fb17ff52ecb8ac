import { z } from 'zod'

export const TITLE_MAX = 200
export const CONTENT_MAX = 10_000
export const AUTHOR_MAX = 100
export const DEFAULT_AUTHOR = 'Anônimo'

export const PAGE_LIMIT_DEFAULT = 50
export const PAGE_LIMIT_MAX = 100
/** Largest value of PostgreSQL's `integer`, the type of `posts.id`. */
export const POST_ID_MAX = 2_147_483_647

export const PostSchema = z
  .object({
    id: z.number().int().positive(),
    titulo: z.string(),
    conteudo: z.string(),
    autor: z.string(),
    data_criacao: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Post' })
export type Post = z.infer<typeof PostSchema>

/** Length as PostgreSQL's `varchar(n)` and JSON Schema's `maxLength` count it: in code points. */
const codePoints = (value: string) => [...value].length

/**
 * A UTF-16 surrogate without its pair (JSON allows `"\ud800"`) has no UTF-8 form: PostgreSQL would receive and
 * store U+FFFD instead, so the text read back would differ from the text sent.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u

const textField = (max: number) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? 'campo obrigatório' : 'deve ser um texto'),
    })
    .trim()
    .refine((value) => !value.includes('\0'), 'não pode conter o caractere NUL')
    .refine((value) => !LONE_SURROGATE.test(value), 'não pode conter um substituto UTF-16 isolado')
    .refine((value) => codePoints(value) <= max, `deve ter no máximo ${max} caracteres`)
    .meta({ maxLength: max })

const requiredText = (max: number) =>
  textField(max)
    .refine((value) => value.length > 0, 'campo obrigatório')
    .meta({ minLength: 1, maxLength: max })

/** Body of `POST /api/posts`: strings are trimmed; a blank `autor` counts as missing. */
export const NewPostSchema = z
  .object(
    {
      titulo: requiredText(TITLE_MAX),
      conteudo: requiredText(CONTENT_MAX),
      autor: textField(AUTHOR_MAX)
        .optional()
        .transform((autor) => autor || DEFAULT_AUTHOR),
    },
    { error: 'o corpo deve ser um objeto JSON' },
  )
  .meta({ id: 'NewPost' })
export type NewPostInput = z.input<typeof NewPostSchema>
export type NewPost = z.output<typeof NewPostSchema>

/** A query or path value that must be a whole number within `[min, max]`; `message` explains the rule. */
const integerParam = (min: number, max: number, message: string) =>
  z
    .string({ error: message })
    .regex(/^\d{1,10}$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message))

export const PageQuerySchema = z.object({
  limit: integerParam(1, PAGE_LIMIT_MAX, `deve ser um número inteiro entre 1 e ${PAGE_LIMIT_MAX}`)
    .optional()
    .transform((limit) => limit ?? PAGE_LIMIT_DEFAULT),
  offset: integerParam(0, Number.MAX_SAFE_INTEGER, 'deve ser um número inteiro maior ou igual a 0')
    .optional()
    .transform((offset) => offset ?? 0),
})
export type PageQuery = z.output<typeof PageQuerySchema>

export const PostIdParamSchema = z.object({
  id: integerParam(1, POST_ID_MAX, `deve ser um número inteiro entre 1 e ${POST_ID_MAX}`),
})

export const PostSourceSchema = z.enum(['banco_de_dados', 'cache'])
export type PostSource = z.infer<typeof PostSourceSchema>

/** A page of posts and the total number of posts: what the database gives and the cache stores. */
export const PostPageSchema = z.object({
  total: z.number().int().nonnegative(),
  posts: z.array(PostSchema),
})
export type PostPage = z.infer<typeof PostPageSchema>

/** A page as the API answers it: with where it came from. */
export const PostListSchema = z
  .object({ fonte: PostSourceSchema, ...PostPageSchema.shape })
  .meta({ id: 'PostList' })
export type PostList = z.infer<typeof PostListSchema>
