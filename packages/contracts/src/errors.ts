import { z } from 'zod'

export const ErrorDetailSchema = z.object({
  caminho: z.string(),
  mensagem: z.string(),
})
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>

/** The one error body of the API: a Portuguese message and, for invalid input, one entry per problem. */
export const ErrorSchema = z
  .object({
    erro: z.string(),
    detalhes: z.array(ErrorDetailSchema).optional(),
  })
  .meta({ id: 'Erro' })
export type ErrorBody = z.infer<typeof ErrorSchema>
