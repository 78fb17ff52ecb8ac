import { z } from 'zod'

export const HealthSchema = z.object({ status: z.literal('healthy') }).meta({ id: 'Health' })
export type Health = z.infer<typeof HealthSchema>

export const ConnectionStateSchema = z.enum(['conectado', 'desconectado'])
export type ConnectionState = z.infer<typeof ConnectionStateSchema>

export const StatusSchema = z
  .object({
    banco_dados: ConnectionStateSchema,
    cache: ConnectionStateSchema,
    status: z.enum(['ok', 'degradado']),
    timestamp: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Status' })
export type Status = z.infer<typeof StatusSchema>
