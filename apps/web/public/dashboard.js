// The dashboard's script: reads the API, follows GET /api/events, and shows the API's own answers and errors.
// Plain JavaScript served as it is (no build step); text goes into the page with textContent only.

const PAGE_SIZE = 10
const STATUS_EVERY_MS = 10_000
/** Wait after a stream was refused (e.g. the stream limit's 503) before opening another. */
const EVENTS_RETRY_MS = 5_000
const TOKEN_KEY = 'token-escrita'

const $ = (id) => {
  const element = document.getElementById(id)
  if (!element) throw new Error(`#${id} is missing from the page`)
  return element
}

/** The status and the JSON body of a request; `status` 0 when the API could not be reached. */
async function api(path, init) {
  try {
    const response = await fetch(path, { headers: { accept: 'application/json' }, ...init })
    const body = await response.json().catch(() => null)
    return { status: response.status, body }
  } catch {
    return { status: 0, body: null }
  }
}

const errorText = ({ status, body }) =>
  body && typeof body.erro === 'string'
    ? body.erro
    : status === 0
      ? 'API inacessível'
      : `HTTP ${status}`

const formatDate = (iso) => new Date(iso).toLocaleString('pt-BR')

// ---- services and stats

function showService(id, state) {
  const element = $(id)
  element.textContent = state ?? 'desconhecido'
  element.dataset.estado = state ?? 'desconhecido'
}

async function refreshStatus() {
  const answer = await api('/status')
  showService(
    'estado-banco',
    answer.body?.banco_dados ?? (answer.status === 0 ? 'desconectado' : undefined),
  )
  showService(
    'estado-cache',
    answer.body?.cache ?? (answer.status === 0 ? 'desconectado' : undefined),
  )
}

const stats = { posts: undefined, requisicoes: undefined }

function showStats() {
  $('total-posts').textContent = stats.posts === undefined ? '—' : String(stats.posts)
  $('total-requisicoes').textContent =
    stats.requisicoes === undefined ? '—' : String(stats.requisicoes)
}

async function refreshStats() {
  const answer = await api('/api/stats')
  if (answer.status === 200) {
    stats.posts = answer.body.total_posts
    stats.requisicoes = answer.body.total_requisicoes
  }
  showStats()
}

/** The counter only grows; values announced by several instances may arrive out of order. */
function counterSeen(value) {
  stats.requisicoes = Math.max(stats.requisicoes ?? 0, value)
  showStats()
}

async function incrementCounter() {
  const answer = await api('/api/contador')
  const result = $('resultado-contador')
  if (answer.status === 200) {
    result.textContent = `contador: ${answer.body.contador}`
    result.classList.remove('erro')
    counterSeen(answer.body.contador)
  } else {
    result.textContent = errorText(answer)
    result.classList.add('erro')
  }
}

async function readCache() {
  const answer = await api('/api/posts/cache')
  const result = $('resultado-cache')
  result.replaceChildren()
  if (answer.status !== 200) {
    result.textContent = errorText(answer)
    result.classList.add('erro')
    return
  }
  result.classList.remove('erro')
  const source = document.createElement('strong')
  source.id = 'fonte'
  source.textContent = answer.body.fonte
  result.append('fonte: ', source, ` · ${answer.body.total} posts · lido às `)
  const time = document.createElement('time')
  time.textContent = new Date().toLocaleTimeString('pt-BR')
  result.append(time)
}

// ---- posts

const list = { offset: 0, total: 0, posts: [] }

function postItem(post) {
  const item = document.createElement('li')
  item.dataset.id = String(post.id)
  const title = document.createElement('h3')
  title.textContent = post.titulo
  const meta = document.createElement('p')
  meta.className = 'meta'
  const time = document.createElement('time')
  time.dateTime = post.data_criacao
  time.textContent = formatDate(post.data_criacao)
  meta.append(`#${post.id} · ${post.autor} · `, time)
  const content = document.createElement('p')
  content.className = 'conteudo'
  content.textContent = post.conteudo
  item.append(title, meta, content)
  return item
}

function showPosts() {
  $('lista-posts').replaceChildren(...list.posts.map(postItem))
  const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE))
  const page = Math.floor(list.offset / PAGE_SIZE) + 1
  $('pagina-atual').textContent = `página ${page} de ${pages} · ${list.total} posts`
  $('pagina-anterior').disabled = list.offset === 0
  $('pagina-seguinte').disabled = list.offset + PAGE_SIZE >= list.total
}

async function loadPosts(offset = list.offset) {
  const answer = await api(`/api/posts?limit=${PAGE_SIZE}&offset=${offset}`)
  if (answer.status !== 200) {
    $('pagina-atual').textContent = errorText(answer)
    return
  }
  list.offset = offset
  list.total = answer.body.total
  list.posts = answer.body.posts
  $('aviso-novos').textContent = ''
  showPosts()
}

/** A post created anywhere: heads the first page at once; elsewhere a note says there are newer ones. */
function postCreated(post) {
  if (list.posts.some((shown) => shown.id === post.id)) return
  list.total += 1
  stats.posts = (stats.posts ?? 0) + 1
  showStats()
  if (list.offset === 0) {
    list.posts = [post, ...list.posts].slice(0, PAGE_SIZE)
  } else {
    $('aviso-novos').textContent = 'Há posts novos na primeira página.'
  }
  showPosts()
}

// ---- the form

const FIELDS = ['titulo', 'conteudo', 'autor', 'token']

function clearErrors() {
  for (const name of FIELDS) {
    $(`${name}-erro`).textContent = ''
    $(name).removeAttribute('aria-invalid')
  }
  $('erro-form').textContent = ''
  $('sucesso-form').textContent = ''
}

/** Each entry of `detalhes` beside the field it names; the rest, and `erro`, above the button. */
function showErrors(answer) {
  $('erro-form').textContent = errorText(answer)
  let first
  for (const { caminho, mensagem } of answer.body?.detalhes ?? []) {
    if (!FIELDS.includes(caminho)) continue
    const error = $(`${caminho}-erro`)
    error.textContent = error.textContent ? `${error.textContent}; ${mensagem}` : mensagem
    $(caminho).setAttribute('aria-invalid', 'true')
    first ??= $(caminho)
  }
  first?.focus()
}

async function submitPost(event) {
  event.preventDefault()
  const form = event.currentTarget
  const data = new FormData(form)
  const token = String(data.get('token') ?? '').trim()
  if (token) sessionStorage.setItem(TOKEN_KEY, token)
  else sessionStorage.removeItem(TOKEN_KEY)
  const post = { titulo: data.get('titulo'), conteudo: data.get('conteudo') }
  const autor = String(data.get('autor') ?? '')
  if (autor.trim()) post.autor = autor
  const headers = { 'content-type': 'application/json', accept: 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const button = form.querySelector('button[type="submit"]')
  button.disabled = true
  clearErrors()
  const answer = await api('/api/posts', { method: 'POST', headers, body: JSON.stringify(post) })
  button.disabled = false
  if (answer.status === 201) {
    for (const name of ['titulo', 'conteudo', 'autor']) $(name).value = ''
    $('sucesso-form').textContent = `Post #${answer.body.id} publicado.`
    postCreated(answer.body)
    $('titulo').focus()
  } else {
    showErrors(answer)
  }
}

// ---- live updates

function showLive(state, text) {
  const element = $('ao-vivo')
  element.dataset.estado = state
  element.textContent = text
}

function followEvents() {
  let opened = false
  const source = new EventSource('/api/events')
  source.addEventListener('pronto', () => {
    showLive('ao-vivo', 'ao vivo')
    // Whatever happened while the stream was down was not sent: read it again.
    if (opened) resync()
    opened = true
  })
  source.addEventListener('post', (event) => postCreated(JSON.parse(event.data)))
  source.addEventListener('contador', (event) => counterSeen(JSON.parse(event.data).contador))
  source.addEventListener('sincronizar', resync)
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      // Refused (for example 503 at the stream limit): EventSource gives up; try again later.
      showLive('desconectado', 'sem atualizações ao vivo; nova tentativa em instantes')
      setTimeout(followEvents, EVENTS_RETRY_MS)
    } else {
      showLive('reconectando', 'reconectando…')
    }
  })
}

function resync() {
  void loadPosts()
  void refreshStats()
  void refreshStatus()
}

// ---- start

function start() {
  $('token').value = sessionStorage.getItem(TOKEN_KEY) ?? ''
  $('form-post').addEventListener('submit', submitPost)
  $('incrementar-contador').addEventListener('click', incrementCounter)
  $('ler-cache').addEventListener('click', readCache)
  $('verificar-servicos').addEventListener('click', refreshStatus)
  $('pagina-anterior').addEventListener('click', () =>
    loadPosts(Math.max(0, list.offset - PAGE_SIZE)),
  )
  $('pagina-seguinte').addEventListener('click', () => loadPosts(list.offset + PAGE_SIZE))
  setInterval(refreshStatus, STATUS_EVERY_MS)
  followEvents()
  resync()
}

start()
