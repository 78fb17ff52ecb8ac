export interface Directive {
  name: string
  args: string[]
  /** The directives inside its `{ }` block; undefined for a simple `name args;` directive. */
  block?: Directive[]
  line: number
}

interface Token {
  text: string
  quoted: boolean
  line: number
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let index = 0
  while (index < text.length) {
    const char = text[index] ?? ''
    if (char === '\n') line++
    if (/\s/.test(char)) {
      index++
    } else if (char === '#') {
      while (index < text.length && text[index] !== '\n') index++
    } else if (char === '{' || char === '}' || char === ';') {
      tokens.push({ text: char, quoted: false, line })
      index++
    } else if (char === '"' || char === "'") {
      const end = text.indexOf(char, index + 1)
      if (end === -1) throw new Error(`line ${line}: unterminated string`)
      const value = text.slice(index + 1, end)
      tokens.push({ text: value, quoted: true, line })
      line += value.split('\n').length - 1
      index = end + 1
    } else {
      const word = /^[^\s{};#"']+/.exec(text.slice(index))?.[0] ?? char
      tokens.push({ text: word, quoted: false, line })
      index += word.length
    }
  }
  return tokens
}

function isPunctuation(token: Token | undefined, char: string): boolean {
  return token !== undefined && !token.quoted && token.text === char
}

/** Parses nginx configuration text into its directives; throws on unbalanced blocks or a missing `;`. */
export function parseNginxConfig(text: string): Directive[] {
  const tokens = tokenize(text)
  let position = 0

  function directives(insideBlock: boolean): Directive[] {
    const result: Directive[] = []
    while (position < tokens.length) {
      const first = tokens[position]
      if (isPunctuation(first, '}')) {
        if (!insideBlock) throw new Error(`line ${first?.line}: unexpected "}"`)
        position++
        return result
      }
      const words: Token[] = []
      while (
        position < tokens.length &&
        !isPunctuation(tokens[position], ';') &&
        !isPunctuation(tokens[position], '{') &&
        !isPunctuation(tokens[position], '}')
      ) {
        words.push(tokens[position] as Token)
        position++
      }
      const [name, ...args] = words
      const end = tokens[position]
      if (name === undefined || end === undefined || isPunctuation(end, '}')) {
        throw new Error(`line ${name?.line ?? end?.line}: a directive must end with ";" or a block`)
      }
      position++
      const directive: Directive = {
        name: name.text,
        args: args.map((arg) => arg.text),
        line: name.line,
      }
      if (isPunctuation(end, '{')) directive.block = directives(true)
      result.push(directive)
    }
    if (insideBlock) throw new Error('a block is not closed')
    return result
  }

  return directives(false)
}

/** Every directive named `name`, at any depth. */
export function findDirectives(directives: Directive[], name: string): Directive[] {
  return directives.flatMap((directive) => [
    ...(directive.name === name ? [directive] : []),
    ...findDirectives(directive.block ?? [], name),
  ])
}
