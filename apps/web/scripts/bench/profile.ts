// Reads a V8 .cpuprofile: where the time went, by function and by module (`attribute` does the same for the bytes
// of a heap profile). The app is an esbuild bundle, whose `// path` comments say which module each line came from;
// those name the module of a bundled frame.
//   tsx scripts/bench/profile.ts <file.cpuprofile> [--top 30]
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

export interface CpuProfile {
  nodes: Array<{
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number }
    hitCount?: number
  }>
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

const MODULE_MARKER = /^\/\/ (\S+\.(?:[cm]?[jt]s|json))$/

/** For a bundle, the 0-based line where each module starts, in order; empty for a file that is no bundle. */
function moduleStarts(url: string, cache: Map<string, Array<[number, string]>>) {
  let starts = cache.get(url)
  if (starts) return starts
  starts = []
  if (url.startsWith('file://')) {
    try {
      const lines = readFileSync(fileURLToPath(url), 'utf8').split('\n')
      lines.forEach((line, index) => {
        const module = MODULE_MARKER.exec(line)?.[1]
        if (module) starts?.push([index, module.replace(/^(\.\.\/)+/, '')])
      })
    } catch {
      // Not readable here: frames keep their URL.
    }
  }
  cache.set(url, starts)
  return starts
}

function moduleOf(url: string, line: number, cache: Map<string, Array<[number, string]>>): string {
  if (url === '') return '(native)'
  const starts = moduleStarts(url, cache)
  let module: string | undefined
  for (const [start, name] of starts) {
    if (start > line) break
    module = name
  }
  const name = module ?? url.replace(/^file:\/\/.*\/(node_modules|apps|packages)\//, '$1/')
  // node_modules/.pnpm/<package>@<version>/node_modules/<package>/dist/... → <package>/dist/...
  return name.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
}

/** A function of a profile and what it cost itself: time in a CPU profile, bytes in a heap profile. */
export interface FrameCost {
  callFrame: { functionName: string; url: string; lineNumber: number }
  cost: number
}

/** The costs by function and by module (package path), largest first, and their total. */
export function attribute(frames: Iterable<FrameCost>) {
  const cache = new Map<string, Array<[number, string]>>()
  const functions = new Map<string, number>()
  const modules = new Map<string, number>()
  let total = 0
  for (const { callFrame, cost } of frames) {
    const { functionName, url, lineNumber } = callFrame
    const module = moduleOf(url, lineNumber, cache)
    const fn = `${functionName || '(anonymous)'}  ${module}:${lineNumber + 1}`
    functions.set(fn, (functions.get(fn) ?? 0) + cost)
    modules.set(module, (modules.get(module) ?? 0) + cost)
    total += cost
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1])
  return { total, functions: sorted(functions), modules: sorted(modules) }
}

/** Self time in ms by function and by module (package path), largest first. */
export function summarise(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfMs = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number
    // A sample's time is the gap to the next one.
    const ms = (deltas[i + 1] ?? 0) / 1000
    selfMs.set(id, (selfMs.get(id) ?? 0) + ms)
  }
  const frames: FrameCost[] = []
  for (const [id, ms] of selfMs) {
    const node = byId.get(id)
    if (node) frames.push({ callFrame: node.callFrame, cost: ms })
  }
  const { total, functions, modules } = attribute(frames)
  return { totalMs: total, functions, modules }
}

export function printSummary(profile: CpuProfile, top = 30): void {
  const { totalMs, functions, modules } = summarise(profile)
  const share = (ms: number) => `${((ms / totalMs) * 100).toFixed(1).padStart(5)}%`
  console.log(`\nCPU profile of the app: ${(totalMs / 1000).toFixed(1)} s sampled; self time`)
  console.log('by module:')
  for (const [name, ms] of modules.slice(0, top)) console.log(`  ${share(ms)}  ${name}`)
  console.log('by function:')
  for (const [name, ms] of functions.slice(0, top)) console.log(`  ${share(ms)}  ${name}`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '30' } },
    allowPositionals: true,
  })
  const [file] = positionals
  if (file === undefined) throw new Error('usage: profile.ts <file.cpuprofile> [--top 30]')
  printSummary(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(values.top))
}
