import { isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml'
import type { ComposeFile } from './compose.js'

// `docker compose -f a.yml -f b.yml` merges b into a. These are the rules of the Compose
// specification ("Merge and override") for what the files here use:
// - mappings merge key by key, the later file winning;
// - sequences are appended, except command, entrypoint and a health check's test, which are replaced;
// - environment and labels merge by variable name, whichever form (map or KEY=value list) they use;
// - `!reset` removes what the earlier file set, `!override` replaces it whole.

const RESET = Symbol('!reset')

class Override {
  constructor(readonly value: unknown) {}
}

function fromNode(node: unknown): unknown {
  const tag = (node as Node | undefined)?.tag
  if (tag === '!reset') return RESET
  if (tag === '!override') return new Override(plain(node))
  return plain(node)
}

function plain(node: unknown): unknown {
  if (isMap(node)) {
    return Object.fromEntries(
      node.items.map((pair) => [
        String(isScalar(pair.key) ? pair.key.value : pair.key),
        fromNode(pair.value),
      ]),
    )
  }
  if (isSeq(node)) return node.items.map(fromNode)
  return isScalar(node) ? node.value : node
}

/** Parses one Compose file, keeping its `!reset` and `!override` tags for {@link mergeCompose}. */
export function parseComposeLayer(text: string): Record<string, unknown> {
  const document = parseDocument(text)
  if (document.errors.length > 0) throw document.errors[0]
  const value = fromNode(document.contents)
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

const replacedSequences = new Set(['command', 'entrypoint', 'test'])
const namedValues = new Set(['environment', 'labels'])

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Override)
  )
}

function asNamedMap(value: unknown): unknown {
  if (!Array.isArray(value)) return value
  return Object.fromEntries(
    value.map((entry) => {
      const text = String(entry)
      const equals = text.indexOf('=')
      return equals === -1 ? [text, null] : [text.slice(0, equals), text.slice(equals + 1)]
    }),
  )
}

function mergeValue(key: string, base: unknown, override: unknown): unknown {
  if (override instanceof Override) return resolved(override.value)
  if (namedValues.has(key)) {
    base = asNamedMap(base)
    override = asNamedMap(override)
  }
  if (isRecord(base) && isRecord(override)) return mergeMaps(base, override)
  if (Array.isArray(base) && Array.isArray(override) && !replacedSequences.has(key)) {
    const seen = new Set(base.map((item) => JSON.stringify(item)))
    return [...base, ...override.map(resolved).filter((item) => !seen.has(JSON.stringify(item)))]
  }
  return resolved(override)
}

function mergeMaps(base: Record<string, unknown>, override: Record<string, unknown>) {
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(override)) {
    if (value === RESET) delete merged[key]
    else merged[key] = key in merged ? mergeValue(key, merged[key], value) : resolved(value)
  }
  return merged
}

/** Drops the tags of a value that has nothing under it to reset or override. */
function resolved(value: unknown): unknown {
  if (value instanceof Override) return resolved(value.value)
  if (Array.isArray(value)) return value.filter((item) => item !== RESET).map(resolved)
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== RESET)
        .map(([key, item]) => [key, resolved(item)]),
    )
  }
  return value
}

/** What Compose runs for `-f <first> -f <second> ...`, before interpolation. */
export function mergeCompose(...layers: string[]): ComposeFile {
  const [first = {}, ...rest] = layers.map(parseComposeLayer)
  return rest.reduce(mergeMaps, resolved(first) as Record<string, unknown>) as ComposeFile
}
