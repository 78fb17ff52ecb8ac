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

const text = (max: number) => z.string().trim().min(1).max(max)

/** Body of `POST /api/posts`: strings are trimmed; a blank `autor` counts as missing. */
export const NewPostSchema = z
  .object({
    titulo: text(TITLE_MAX),
    conteudo: text(CONTENT_MAX),
    autor: z
      .string()
      .trim()
      .max(AUTHOR_MAX)
      .optional()
      .transform((autor) => autor || DEFAULT_AUTHOR),
  })
  .meta({ id: 'NewPost' })
export type NewPostInput = z.input<typeof NewPostSchema>
export type NewPost = z.output<typeof NewPostSchema>

const unsignedInt = z.string().regex(/^\d{1,10}$/, 'deve ser um número inteiro não negativo')

export const PageQuerySchema = z.object({
  limit: unsignedInt
    .default(String(PAGE_LIMIT_DEFAULT))
    .transform(Number)
    .pipe(z.number().int().min(1).max(PAGE_LIMIT_MAX)),
  offset: unsignedInt.default('0').transform(Number).pipe(z.number().int().min(0)),
})
export type PageQuery = z.output<typeof PageQuerySchema>

export const PostIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^\d{1,10}$/, 'deve ser um número inteiro positivo')
    .transform(Number)
    .pipe(z.number().int().min(1).max(POST_ID_MAX)),
})

export const PostSourceSchema = z.enum(['banco_de_dados', 'cache'])
export type PostSource = z.infer<typeof PostSourceSchema>

export const PostListSchema = z
  .object({
    fonte: PostSourceSchema,
    total: z.number().int().nonnegative(),
    posts: z.array(PostSchema),
  })
  .meta({ id: 'PostList' })
export type PostList = z.infer<typeof PostListSchema>

export const CounterSchema = z
  .object({ contador: z.number().int().positive() })
  .meta({ id: 'Counter' })
export type Counter = z.infer<typeof CounterSchema>

export const StatsSchema = z
  .object({
    total_posts: z.number().int().nonnegative(),
    total_requisicoes: z.number().int().nonnegative(),
    timestamp: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Stats' })
export type Stats = z.infer<typeof StatsSchema>
