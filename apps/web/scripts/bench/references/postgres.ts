// The ceiling of a route that makes one PostgreSQL query: postgres.js with the app's pool (createDb), one plain
// query per request (the default page, one post, one insert) and its rows serialised with JSON.stringify.
import type { IncomingMessage } from 'node:http'
import { createDb } from '@repo/db/client'
import { notFound, requiredEnv, sendJson, serve } from './serve.js'

const db = createDb(requiredEnv('DATABASE_URL'))
const POST_PATH = /^\/api\/posts\/(\d+)$/

async function readBody(request: IncomingMessage): Promise<string> {
  let body = ''
  request.setEncoding('utf8')
  for await (const chunk of request) body += chunk
  return body
}

serve(
  async (request, response) => {
    if (request.method === 'POST' && request.url === '/api/posts') {
      const { titulo, conteudo, autor } = JSON.parse(await readBody(request))
      const [row] = await db`
        insert into posts (titulo, conteudo, autor) values (${titulo}, ${conteudo}, ${autor})
        returning id, titulo, conteudo, autor, data_criacao
      `
      return sendJson(response, 201, JSON.stringify(row))
    }
    if (request.url === '/api/posts') {
      const rows = await db`
        select id, titulo, conteudo, autor, data_criacao from posts
        order by data_criacao desc, id desc limit 50
      `
      return sendJson(response, 200, JSON.stringify(rows))
    }
    const id = POST_PATH.exec(request.url ?? '')?.[1]
    if (id !== undefined) {
      const [row] = await db`
        select id, titulo, conteudo, autor, data_criacao from posts where id = ${Number(id)}
      `
      if (row === undefined) return notFound(response)
      return sendJson(response, 200, JSON.stringify(row))
    }
    notFound(response)
  },
  () => db.end({ timeout: 1 }),
)
