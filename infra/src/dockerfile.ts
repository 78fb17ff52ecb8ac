export interface Instruction {
  /** Upper-cased, e.g. `RUN`. */
  keyword: string
  /** Everything after the keyword, continuation lines joined with a space. */
  args: string
  /** 1-based line where the instruction starts. */
  line: number
}

export interface Stage {
  /** The `AS` name, lower-cased as Docker treats it; undefined for an unnamed stage. */
  name: string | undefined
  /** The image or earlier stage named in `FROM`. */
  base: string
  instructions: Instruction[]
}

function logicalLines(text: string): { content: string; line: number }[] {
  const lines = text.split(/\r?\n/)
  const result: { content: string; line: number }[] = []
  let pending: { content: string; line: number } | undefined
  lines.forEach((raw, index) => {
    const trimmed = raw.trim()
    // Docker skips blank and comment lines, even inside a continuation.
    if (trimmed === '' || trimmed.startsWith('#')) return
    const continues = trimmed.endsWith('\\')
    const content = continues ? trimmed.slice(0, -1).trim() : trimmed
    pending =
      pending === undefined
        ? { content, line: index + 1 }
        : { content: `${pending.content} ${content}`.trim(), line: pending.line }
    if (!continues) {
      result.push(pending)
      pending = undefined
    }
  })
  if (pending !== undefined) result.push(pending)
  return result
}

function toInstruction({ content, line }: { content: string; line: number }): Instruction {
  const match = /^(\S+)\s*(.*)$/s.exec(content)
  return { keyword: (match?.[1] ?? '').toUpperCase(), args: match?.[2] ?? '', line }
}

function stageFrom(instruction: Instruction): Stage {
  const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'))
  const asIndex = words.findIndex((word) => word.toUpperCase() === 'AS')
  return {
    name: asIndex === -1 ? undefined : words[asIndex + 1]?.toLowerCase(),
    base: words[0] ?? '',
    instructions: [],
  }
}

/** Splits a Dockerfile into its stages; instructions before the first FROM (global ARGs) are dropped. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = []
  for (const instruction of logicalLines(text).map(toInstruction)) {
    if (instruction.keyword === 'FROM') stages.push(stageFrom(instruction))
    else stages.at(-1)?.instructions.push(instruction)
  }
  return stages
}

function stageNamed(stages: Stage[], name: string): Stage | undefined {
  return stages.find((stage) => stage.name === name.toLowerCase())
}

/** True when `FROM <base>` names an earlier stage rather than an image. */
export function isStageReference(stages: Stage[], base: string): boolean {
  return stageNamed(stages, base) !== undefined
}

/** A stage's own instructions preceded by those it inherits through `FROM <earlier stage>`. */
export function effectiveInstructions(stages: Stage[], stage: Stage): Instruction[] {
  const parent = stageNamed(stages, stage.base)
  if (parent === undefined || parent === stage) return stage.instructions
  return [...effectiveInstructions(stages, parent), ...stage.instructions]
}

/** The value of `--<flag>=value` among an instruction's leading flags. */
export function flagValue(instruction: Instruction, flag: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)--${flag}=(\\S+)`).exec(instruction.args)
  return match?.[1]
}

/** Stages that no other stage builds on or copies from: the images one can target. */
export function finalStages(stages: Stage[]): Stage[] {
  const used = new Set<string>()
  for (const stage of stages) {
    used.add(stage.base.toLowerCase())
    for (const instruction of stage.instructions) {
      const from = instruction.keyword === 'COPY' ? flagValue(instruction, 'from') : undefined
      if (from !== undefined) used.add(from.toLowerCase())
    }
  }
  return stages.filter((stage) => stage.name === undefined || !used.has(stage.name))
}

/** The argument list of an exec-form (JSON array) instruction, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trimStart().startsWith('[')) return undefined
  try {
    const parsed: unknown = JSON.parse(args)
    const isStringArray =
      Array.isArray(parsed) && parsed.every((item): item is string => typeof item === 'string')
    return isStringArray ? parsed : undefined
  } catch {
    return undefined
  }
}

/** The words after a HEALTHCHECK's flags: `['NONE']` or `['CMD', ...]`. */
export function healthcheckCommand(instruction: Instruction): string[] | undefined {
  const rest = instruction.args.replace(/^(\s*--\S+)*\s*/, '')
  if (/^NONE$/i.test(rest)) return ['NONE']
  const cmd = /^CMD\s+(.*)$/is.exec(rest)
  if (cmd === null) return undefined
  const command = cmd[1] ?? ''
  return ['CMD', ...(execForm(command) ?? ['/bin/sh', '-c', command])]
}
