// Compose interpolation: `$$` is a literal `$`; `${NAME}`, `$NAME`, and `${NAME<op>word}` with the
// operators `:-`, `-`, `:?`, `?`, `:+`, `+`.
const reference =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g

/** Names of the variables a Compose file reads, in order of first use. */
export function variablesIn(text: string): string[] {
  const names = new Set<string>()
  for (const match of text.matchAll(reference)) {
    const name = match[1] ?? match[4]
    if (name !== undefined) names.add(name)
  }
  return [...names]
}

type Environment = Readonly<Record<string, string | undefined>>

function substitute(name: string, operator: string | undefined, word: string, env: Environment) {
  const value = env[name]
  const isSet = value !== undefined
  const isSetAndNotEmpty = isSet && value !== ''
  switch (operator) {
    case ':-':
      return isSetAndNotEmpty ? value : word
    case '-':
      return isSet ? value : word
    case ':?':
    case '?':
      if (operator === ':?' ? isSetAndNotEmpty : isSet) return value ?? ''
      throw new Error(`${name} is required: ${word}`)
    case ':+':
      return isSetAndNotEmpty ? word : ''
    case '+':
      return isSet ? word : ''
    default:
      return value ?? ''
  }
}

/** Resolves `text` the way Compose would with `env` as its environment. */
export function interpolate(text: string, env: Environment): string {
  return text.replace(
    reference,
    (
      whole: string,
      braced: string | undefined,
      operator: string | undefined,
      word: string | undefined,
      bare: string | undefined,
    ) => (whole === '$$' ? '$' : substitute(braced ?? bare ?? '', operator, word ?? '', env)),
  )
}

/** References that Compose would resolve to an empty string when the variable is unset. */
export function referencesWithoutDefault(text: string): string[] {
  return [...text.matchAll(reference)]
    .filter(([whole, , operator]) => whole !== '$$' && operator !== ':-' && operator !== '-')
    .map(([whole]) => whole)
}
