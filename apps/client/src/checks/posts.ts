import { type Post, PostListSchema, PostSchema } from '@repo/contracts/posts'
import { type Check, CheckFailure, type RoundState } from '../check.js'
import { expectStatus, parseBody } from './expect.js'

export const createPost: Check = {
  name: 'create post',
  async run({ http, state }) {
    const sent = {
      titulo: `Verificação do cliente ${new Date().toISOString()}`,
      conteudo: 'Post criado pelo cliente de verificação (apps/client) para testar a API.',
      autor: 'Cliente de verificação',
    }
    const response = await http.request('POST', '/api/posts', sent)
    expectStatus(response, 201)
    const post = parseBody(PostSchema, response)
    state.post = post
    const location = response.headers.get('location')
    if (location !== `/api/posts/${post.id}`) {
      throw new CheckFailure(
        `Location is ${location === null ? 'missing' : `"${location}"`}, expected "/api/posts/${post.id}"`,
      )
    }
    if (
      post.titulo !== sent.titulo ||
      post.conteudo !== sent.conteudo ||
      post.autor !== sent.autor
    ) {
      throw new CheckFailure(`post ${post.id} does not hold the titulo, conteudo and autor sent`)
    }
    return undefined
  },
}

export const getPost: Check = {
  name: 'get post',
  async run({ http, state }) {
    const created = requireCreatedPost(state)
    const response = await http.request('GET', `/api/posts/${created.id}`)
    expectStatus(response, 200)
    const post = parseBody(PostSchema, response)
    if (!isSamePost(post, created)) {
      throw new CheckFailure(`post ${created.id} differs from the one create post returned`)
    }
    return undefined
  },
}

export const listPosts: Check = {
  name: 'list posts',
  async run({ http, state }) {
    const response = await http.request('GET', '/api/posts')
    expectStatus(response, 200)
    const list = parseBody(PostListSchema, response)
    if (list.fonte !== 'banco_de_dados') {
      throw new CheckFailure(`fonte is "${list.fonte}", expected "banco_de_dados"`)
    }
    return expectOwnPostListed(list.posts, state)
  },
}

/** Lists are newest first, so the post this round created is on the first page. */
export function expectOwnPostListed(posts: readonly Post[], state: RoundState): string | undefined {
  if (state.post === undefined) return 'no post of this round to look for'
  const id = state.post.id
  if (!posts.some((post) => post.id === id)) {
    throw new CheckFailure(`the post created by this round (${id}) is not in the list`)
  }
  return undefined
}

function requireCreatedPost(state: RoundState): Post {
  if (state.post === undefined) throw new CheckFailure('not run: create post did not create a post')
  return state.post
}

function isSamePost(a: Post, b: Post): boolean {
  return (
    a.id === b.id &&
    a.titulo === b.titulo &&
    a.conteudo === b.conteudo &&
    a.autor === b.autor &&
    Date.parse(a.data_criacao) === Date.parse(b.data_criacao)
  )
}
