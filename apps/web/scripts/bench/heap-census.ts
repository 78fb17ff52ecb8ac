import { readFileSync } from 'node:fs'

/** What a heap snapshot holds, compiled code left out: it grows as V8 compiles, not with what a request keeps. */
export interface HeapCensus {
  bytes: number
  /** V8 names a suspended async function `Generator`. */
  asyncFunctions: number
  /** The scopes closures keep alive. */
  contexts: number
  promises: number
  /** Count and bytes by kind: a type (`string`, `closure: <function>`) or a constructor's name. */
  byKind: Map<string, { count: number; bytes: number }>
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } }
  nodes: number[]
  strings: string[]
}

/** Counts the objects of a `.heapsnapshot` file (v8.writeHeapSnapshot's format). */
export function heapCensus(path: string): HeapCensus {
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshot
  const fields = snapshot.meta.node_fields
  const [typeNames] = snapshot.meta.node_types
  const typeField = fields.indexOf('type')
  const nameField = fields.indexOf('name')
  const sizeField = fields.indexOf('self_size')
  let bytes = 0
  const byKind: HeapCensus['byKind'] = new Map()
  for (let node = 0; node < nodes.length; node += fields.length) {
    const type = typeNames[nodes[node + typeField] as number] as string
    if (type === 'code') continue
    const size = nodes[node + sizeField] as number
    const kind = kindOf(type, strings[nodes[node + nameField] as number] as string)
    const tally = byKind.get(kind) ?? { count: 0, bytes: 0 }
    tally.count++
    tally.bytes += size
    byKind.set(kind, tally)
    bytes += size
  }
  return withCounts(bytes, byKind)
}

/** The census of `bytes` and `byKind`, with the counts it names read from `byKind`. */
function withCounts(bytes: number, byKind: HeapCensus['byKind']): HeapCensus {
  const count = (kind: string) => byKind.get(kind)?.count ?? 0
  return {
    bytes,
    asyncFunctions: count('Generator'),
    contexts: count('system / Context'),
    promises: count('Promise'),
    byKind,
  }
}

function kindOf(type: string, name: string): string {
  if (type === 'object' || type === 'hidden' || type === 'native') return name
  if (type === 'closure') return `closure: ${name || '(anonymous)'}`
  if (type === 'array') return `array: ${name}`
  return type.endsWith('string') ? 'string' : type
}

/** What `during` holds beyond `before`, per one of the `requests` (or other things) that made the difference. */
export function censusPer(before: HeapCensus, during: HeapCensus, requests: number): HeapCensus {
  const byKind: HeapCensus['byKind'] = new Map()
  for (const [kind, { count, bytes }] of during.byKind) {
    const earlier = before.byKind.get(kind) ?? { count: 0, bytes: 0 }
    byKind.set(kind, {
      count: (count - earlier.count) / requests,
      bytes: (bytes - earlier.bytes) / requests,
    })
  }
  return withCounts((during.bytes - before.bytes) / requests, byKind)
}
