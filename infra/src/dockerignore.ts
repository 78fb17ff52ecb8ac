interface IgnoreRule {
  pattern: RegExp
  exclude: boolean
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&')
}

// Docker's syntax (moby/patternmatcher): `*` and `?` stay within one path segment, `**` spans any
// number of segments, and a leading `/` changes nothing since every pattern is relative to the root.
function toRegExp(glob: string): RegExp {
  const clean = glob.replace(/^\/+/, '').replace(/\/+$/, '')
  let source = ''
  for (let index = 0; index < clean.length; index++) {
    const char = clean[index] ?? ''
    if (clean.startsWith('**/', index)) {
      source += '(?:.*/)?'
      index += 2
    } else if (clean.startsWith('**', index)) {
      source += '.*'
      index += 1
    } else if (char === '*') source += '[^/]*'
    else if (char === '?') source += '[^/]'
    else source += escapeRegExp(char)
  }
  return new RegExp(`^${source}$`)
}

/** The rules of a .dockerignore file, in order. */
export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) =>
      line.startsWith('!')
        ? { pattern: toRegExp(line.slice(1).trim()), exclude: false }
        : { pattern: toRegExp(line), exclude: true },
    )
}

function ancestorsAndSelf(path: string): string[] {
  const segments = path.split('/')
  return segments.map((_, index) => segments.slice(0, index + 1).join('/'))
}

/** Whether `path` (relative to the build context, `/`-separated) is left out of the context. */
export function isIgnored(rules: IgnoreRule[], path: string): boolean {
  const candidates = ancestorsAndSelf(path.replace(/^\.\//, ''))
  let ignored = false
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.pattern.test(candidate))) ignored = rule.exclude
  }
  return ignored
}
