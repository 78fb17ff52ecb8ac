import { Hono } from 'hono'
import type { FC } from 'hono/jsx'
import type { AppEnv } from '../app-env.js'
import { dashboardHeaders } from '../middleware/page-headers.js'

/** A form field with its label and the place where the API's complaint about it (`detalhes`) is shown. */
const Field: FC<{
  name: string
  label: string
  hint?: string
  type?: string
  multiline?: boolean
  maxLength: number
  autocomplete?: string
}> = ({ name, label, hint, type = 'text', multiline, maxLength, autocomplete = 'off' }) => {
  const describedBy = [hint && `${name}-dica`, `${name}-erro`].filter(Boolean).join(' ')
  return (
    <div class="campo">
      <label for={name}>{label}</label>
      {hint && (
        <p class="dica" id={`${name}-dica`}>
          {hint}
        </p>
      )}
      {multiline ? (
        <textarea
          id={name}
          name={name}
          rows={4}
          maxlength={maxLength}
          aria-describedby={describedBy}
        />
      ) : (
        <input
          id={name}
          name={name}
          type={type}
          maxlength={maxLength}
          autocomplete={autocomplete}
          aria-describedby={describedBy}
        />
      )}
      <p class="erro-campo" id={`${name}-erro`} data-erro-de={name} />
    </div>
  )
}

const Page: FC = () => (
  <html lang="pt-BR">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <title>Painel · Posts API</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href="/assets/dashboard.css" />
      <script type="module" src="/assets/dashboard.js" />
    </head>
    <body>
      <header class="topo">
        <h1>Painel da Posts API</h1>
        <p id="ao-vivo" class="ao-vivo" role="status" data-estado="conectando">
          conectando…
        </p>
        <nav aria-label="Documentação">
          <a href="/docs">Documentação da API</a>
        </nav>
      </header>
      <main class="grade">
        <section aria-labelledby="titulo-servicos" class="cartao">
          <h2 id="titulo-servicos">Serviços</h2>
          <dl class="servicos">
            <dt>Banco de dados</dt>
            <dd id="estado-banco" data-estado="desconhecido">
              …
            </dd>
            <dt>Cache</dt>
            <dd id="estado-cache" data-estado="desconhecido">
              …
            </dd>
          </dl>
          <button type="button" id="verificar-servicos">
            Verificar agora
          </button>
        </section>

        <section aria-labelledby="titulo-estatisticas" class="cartao">
          <h2 id="titulo-estatisticas">Estatísticas</h2>
          <dl class="numeros">
            <dt>Posts</dt>
            <dd id="total-posts">…</dd>
            <dt>Requisições ao contador</dt>
            <dd id="total-requisicoes">…</dd>
          </dl>
          <button type="button" id="incrementar-contador">
            Incrementar contador
          </button>
          <p id="resultado-contador" class="resultado" role="status" />
        </section>

        <section aria-labelledby="titulo-cache" class="cartao">
          <h2 id="titulo-cache">Leitura com cache</h2>
          <p class="dica">A lista padrão, lida do Redis quando está lá (cache-aside).</p>
          <button type="button" id="ler-cache">
            Ler do cache
          </button>
          <p id="resultado-cache" class="resultado" role="status">
            fonte: <strong id="fonte">—</strong>
          </p>
        </section>

        <section aria-labelledby="titulo-novo" class="cartao novo">
          <h2 id="titulo-novo">Novo post</h2>
          <form id="form-post" novalidate>
            <Field name="titulo" label="Título" maxLength={200} />
            <Field name="conteudo" label="Conteúdo" multiline maxLength={10_000} />
            <Field
              name="autor"
              label="Autor"
              hint="Opcional: sem ele, “Anônimo”."
              maxLength={100}
            />
            <Field
              name="token"
              label="Token de escrita"
              hint="Opcional: só quando a API exige um (API_WRITE_TOKEN). Guardado nesta aba apenas."
              type="password"
              maxLength={1000}
            />
            <button type="submit">Publicar</button>
            <p id="erro-form" class="erro" role="alert" />
            <p id="sucesso-form" class="sucesso" role="status" />
          </form>
        </section>

        <section aria-labelledby="titulo-posts" class="cartao lista">
          <h2 id="titulo-posts">Posts</h2>
          <p id="aviso-novos" class="dica" role="status" />
          <ol id="lista-posts" class="posts" aria-live="polite" />
          <nav class="paginas" aria-label="Páginas de posts">
            <button type="button" id="pagina-anterior">
              Anterior
            </button>
            <span id="pagina-atual">…</span>
            <button type="button" id="pagina-seguinte">
              Próxima
            </button>
          </nav>
        </section>
      </main>
    </body>
  </html>
)

/** GET /: the dashboard. It holds no data: its script reads the API and follows GET /api/events. */
export function dashboardRoutes() {
  let page: string | undefined
  return new Hono<AppEnv>().get('/', dashboardHeaders, async (c) => {
    page ??= `<!doctype html>${await (<Page />).toString()}`
    return c.html(page)
  })
}
