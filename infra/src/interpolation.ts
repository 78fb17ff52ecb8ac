// Compose interpolation: `$$` is a literal `$`; `${NAME}`, `$NAME`, and `${NAME<op>word}` with the
// operators `:-`, `-`, `:?`, `?`, `:+`, `+`.
const reference =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g

export interface VariableReference {
  /** As written, e.g. `${A:-1}`. */
  whole: string
  name: string
  /** `:-`, `-`, `:?`, `?`, `:+` or `+`; undefined for a plain `$A` or `${A}`. */
  operator: string | undefined
}

/** Every variable reference in `text`, in order; `$$` escapes are not references. */
export function variableReferences(text: string): VariableReference[] {
  return [...text.matchAll(reference)].flatMap(([whole, braced, operator, , bare]) => {
    const name = braced ?? bare
    return name === undefined ? [] : [{ whole, name, operator }]
  })
}

/** Names of the variables a Compose file reads, in order of first use. */
export function variablesIn(text: string): string[] {
  return [...new Set(variableReferences(text).map(({ name }) => name))]
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
  return variableReferences(text)
    .filter(({ operator }) => operator !== ':-' && operator !== '-')
    .map(({ whole }) => whole)
}
