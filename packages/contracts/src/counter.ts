import { z } from 'zod'

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
