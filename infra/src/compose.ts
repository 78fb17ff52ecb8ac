import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Document, parseDocument, type Tags } from 'yaml'
import { infraDir } from './repo.js'

/**
 * The parts of a service the checks read, in the forms infra/compose*.yml write them (dclint
 * validates each file against the Compose specification; an assertion fails on any other form).
 */
export interface ComposeService {
  image?: string
  build?: { context: string; dockerfile: string; target: string }
  profiles?: string[]
  depends_on?: Record<string, { condition: string; restart?: boolean }>
  environment?: Record<string, string | number>
  ports?: string[]
  volumes?: string[]
  networks?: string[]
  secrets?: string[]
  healthcheck?: {
    test: string[]
    interval: string
    timeout: string
    retries: number
    start_period: string
  }
  stop_grace_period?: string
  [setting: string]: unknown
}

export interface ComposeFile {
  name?: string
  services: Record<string, ComposeService>
  networks?: Record<string, unknown>
  volumes?: Record<string, unknown>
  secrets?: Record<string, { file: string }>
}

export type ComposeFileName = 'compose.yml' | 'compose.prod.yml'

// Compose's `!override` (2.24.4), on a mapping or a list, is known to the parser; any other tag,
// `!reset` included (the production model of the tests does not apply it), is reported.
const overrideTags: Tags = (['map', 'seq'] as const).map((collection) => ({
  tag: '!override',
  collection,
  resolve: <T>(node: T) => node,
}))

/** The file as parsed, before interpolation, with its `!override` tags on the nodes. */
export function composeDocument(file: ComposeFileName): Document {
  const document = parseDocument(readFileSync(join(infraDir, file), 'utf8'), {
    customTags: overrideTags,
  })
  const [problem] = [...document.errors, ...document.warnings]
  if (problem !== undefined) throw problem
  return document
}

export type Environment = Readonly<Record<string, string | undefined>>

// Compose interpolation, in the forms these files use: `$$`, `$NAME`, `${NAME}` and
// `${NAME<op>word}` with `:-`, `-`, `:?`, `?`. Any other `${...}` is an error, not a literal.
const reference = /\$(?:(\$)|\{([^}]*)\}|([A-Za-z_]\w*))/g
const braced = /^([A-Za-z_]\w*)(?:(:?[-?])(.*))?$/s

export interface VariableReference {
  name: string
  operator: '' | ':-' | '-' | ':?' | '?'
  word: string
}

function parseReference(whole: string, inBraces?: string, bare?: string): VariableReference {
  if (bare !== undefined) return { name: bare, operator: '', word: '' }
  const [, name, operator = '', word = ''] = braced.exec(inBraces ?? '') ?? []
  if (name === undefined) throw new Error(`${whole}: not an interpolation these checks know`)
  return { name, operator: operator as VariableReference['operator'], word }
}

function referencesIn(text: string): VariableReference[] {
  return [...text.matchAll(reference)].flatMap(([whole, dollar, inBraces, bare]) =>
    dollar === undefined ? [parseReference(whole, inBraces, bare)] : [],
  )
}

function interpolate(text: string, env: Environment): string {
  return text.replace(reference, (whole, dollar?: string, inBraces?: string, bare?: string) => {
    if (dollar !== undefined) return '$'
    const { name, operator, word } = parseReference(whole, inBraces, bare)
    const value = env[name]
    const missing = operator.startsWith(':') ? !value : value === undefined
    if (!missing || operator === '') return value ?? ''
    if (operator.endsWith('?')) throw new Error(`${name} is required: ${word}`)
    return word
  })
}

function mapStrings(value: unknown, change: (text: string) => unknown): unknown {
  if (typeof value === 'string') return change(value)
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, change))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, mapStrings(item, change)]),
    )
  }
  return value
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn)
  return []
}

/** Every variable reference in the file's values, in order. */
export function composeVariables(file: ComposeFileName): VariableReference[] {
  return stringsIn(composeDocument(file).toJS()).flatMap(referencesIn)
}

/** The file as Compose reads it with `env` as its environment: values interpolated, tags dropped. */
export function loadCompose(file: ComposeFileName, env: Environment = {}): ComposeFile {
  return mapStrings(composeDocument(file).toJS(), (text) => interpolate(text, env)) as ComposeFile
}

/** A service's environment as the container gets it: every value a string. */
export function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => [name, String(value)]),
  )
}

/** Seconds in a Compose duration written in whole seconds (`30s`), the only form used here. */
export function seconds(duration: string | undefined): number {
  const match = /^(\d+)s$/.exec(duration ?? '')
  if (match === null) throw new Error(`${duration} is not a duration in whole seconds`)
  return Number(match[1])
}
