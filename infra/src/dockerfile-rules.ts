import {
  effectiveInstructions,
  execForm,
  finalStages,
  flagValue,
  healthcheckCommand,
  type Instruction,
  isStageReference,
  parseDockerfile,
  type Stage,
} from './dockerfile.js'

/** Each rule takes Dockerfile text and returns its problems, one sentence each; none means it holds. */
export type DockerfileRule = (dockerfile: string) => string[]

const floatingTags = new Set(['latest', 'stable', 'lts', 'current', 'edge', 'alpine', 'slim'])

function stageLabel(stage: Stage): string {
  return stage.name === undefined ? `the stage FROM ${stage.base}` : `stage "${stage.name}"`
}

function lastOf(instructions: Instruction[], keyword: string): Instruction | undefined {
  return instructions.filter((instruction) => instruction.keyword === keyword).at(-1)
}

function imageTag(image: string): string | undefined {
  const lastSegment = image.split('/').at(-1) ?? ''
  const colon = lastSegment.indexOf(':')
  return colon === -1 ? undefined : lastSegment.slice(colon + 1)
}

/** A tag is pinned when it starts with a version number (`24-alpine`, `15.4`) or the image has a digest. */
export function isPinnedImage(image: string): boolean {
  if (image.includes('@sha256:')) return true
  const tag = imageTag(image)
  return tag !== undefined && !floatingTags.has(tag) && /^v?\d/.test(tag)
}

export const unpinnedBaseImages: DockerfileRule = (dockerfile) => {
  const stages = parseDockerfile(dockerfile)
  return stages
    .filter((stage) => !isStageReference(stages, stage.base) && stage.base !== 'scratch')
    .filter((stage) => !isPinnedImage(stage.base))
    .map((stage) => `${stageLabel(stage)} uses ${stage.base}, which has no version tag`)
}

export const finalStagesRunningAsRoot: DockerfileRule = (dockerfile) => {
  const stages = parseDockerfile(dockerfile)
  return finalStages(stages).flatMap((stage) => {
    const user = lastOf(effectiveInstructions(stages, stage), 'USER')?.args.split(':')[0]
    return user === undefined || user === 'root' || user === '0'
      ? [`${stageLabel(stage)} runs as ${user ?? 'root (no USER)'}`]
      : []
  })
}

export const finalStagesWithoutNodeExecCmd: DockerfileRule = (dockerfile) => {
  const stages = parseDockerfile(dockerfile)
  return finalStages(stages).flatMap((stage) => {
    const cmd = lastOf(effectiveInstructions(stages, stage), 'CMD')
    const argv = cmd === undefined ? undefined : execForm(cmd.args)
    return argv?.[0] === 'node'
      ? []
      : [`${stageLabel(stage)} needs an exec-form CMD starting with "node"`]
  })
}

export const finalStagesWithoutHealthcheck: DockerfileRule = (dockerfile) => {
  const stages = parseDockerfile(dockerfile)
  return finalStages(stages).flatMap((stage) => {
    const healthcheck = lastOf(effectiveInstructions(stages, stage), 'HEALTHCHECK')
    const command = healthcheck === undefined ? undefined : healthcheckCommand(healthcheck)
    return command?.[0] === 'CMD' ? [] : [`${stageLabel(stage)} has no HEALTHCHECK command`]
  })
}

export const finalStagesWithoutProductionEnv: DockerfileRule = (dockerfile) => {
  const stages = parseDockerfile(dockerfile)
  return finalStages(stages).flatMap((stage) => {
    const envs = effectiveInstructions(stages, stage).filter(({ keyword }) => keyword === 'ENV')
    const production = envs.some(({ args }) => /(^|\s)NODE_ENV[=\s]"?production"?(\s|$)/.test(args))
    return production ? [] : [`${stageLabel(stage)} does not set NODE_ENV=production`]
  })
}

/** The runtime image holds only what a build stage produced: no context files, nothing run. */
export const finalStagesWithMoreThanBuildOutput: DockerfileRule = (dockerfile) => {
  const stages = parseDockerfile(dockerfile)
  return finalStages(stages).flatMap((stage) =>
    stage.instructions
      .filter((instruction) => instruction.keyword === 'RUN' || isContextCopy(instruction))
      .map(
        (instruction) => `${stageLabel(stage)} line ${instruction.line}: ${instruction.keyword}`,
      ),
  )
}

/** `version` is the exact one of package.json "packageManager" (`pnpm@<version>`). */
export function pnpmVersionProblems(dockerfile: string, version: string): string[] {
  const installed = [...runCommands(dockerfile).matchAll(/\bpnpm@([^\s"']+)/g)].map(
    (match) => match[1] ?? '',
  )
  if (installed.length === 0) return [`pnpm is never installed with an explicit version`]
  return installed
    .filter((found) => found !== version)
    .map((found) => `pnpm@${found} is installed, but package.json asks for pnpm@${version}`)
}

/** Works on any shell text: RUN instructions or a script they call. */
export function installsWithoutFrozenLockfile(shellText: string): string[] {
  return shellText
    .split(/\r?\n/)
    .filter((line) => /\bpnpm\s+(install|i)\b/.test(line) && !line.trimStart().startsWith('#'))
    .filter((line) => !line.includes('--frozen-lockfile'))
    .map((line) => `"${line.trim()}" may rewrite the lockfile instead of failing on drift`)
}

function installsDependencies(instruction: Instruction): boolean {
  return (
    instruction.keyword === 'RUN' &&
    /\bpnpm\s+(install|i)\b|build-app\.sh\s+install\b/.test(instruction.args)
  )
}

function isContextCopy(instruction: Instruction): boolean {
  return (
    (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') &&
    flagValue(instruction, 'from') === undefined
  )
}

function copySources(instruction: Instruction): string[] {
  const words = instruction.args
    .split(/\s+/)
    .filter((word) => word !== '' && !word.startsWith('--'))
  return words.slice(0, -1)
}

function copiesWholeContext(instruction: Instruction): boolean {
  return (
    isContextCopy(instruction) && copySources(instruction).some((source) => /^\.\/?$/.test(source))
  )
}

/** Dependencies must be installed before the sources arrive, or every code change reinstalls them. */
export const sourcesCopiedBeforeInstall: DockerfileRule = (dockerfile) => {
  const stages = parseDockerfile(dockerfile)
  return stages.flatMap((stage) => {
    const instructions = effectiveInstructions(stages, stage)
    const firstWholeCopy = instructions.findIndex(copiesWholeContext)
    if (firstWholeCopy === -1) return []
    return instructions
      .slice(firstWholeCopy)
      .filter(installsDependencies)
      .filter((install) => stage.instructions.includes(install))
      .map((install) => `${stageLabel(stage)} line ${install.line} installs after copying sources`)
  })
}

/** Names of settings that hold a secret, or a URL that may carry one. */
export const secretName =
  /PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|API_KEY|DATABASE_URL|REDIS_URL/i

/** Build args and image env end up in the image's history and metadata for anyone to read. */
export const secretsInArgOrEnv: DockerfileRule = (dockerfile) =>
  parseDockerfile(dockerfile).flatMap((stage) =>
    stage.instructions
      .filter(({ keyword }) => keyword === 'ARG' || keyword === 'ENV')
      .filter(({ args }) => secretName.test(args))
      .map(({ keyword, args, line }) => `line ${line}: ${keyword} ${args} may hold a secret`),
  )

/** Sources of every COPY/ADD from the build context, as written. */
export function contextSources(dockerfile: string): string[] {
  return parseDockerfile(dockerfile).flatMap((stage) =>
    stage.instructions.filter(isContextCopy).flatMap(copySources),
  )
}

/** The shell commands of every RUN, one per line, continuations joined. */
export function runCommands(dockerfile: string): string {
  return parseDockerfile(dockerfile)
    .flatMap((stage) => stage.instructions.filter(({ keyword }) => keyword === 'RUN'))
    .map(({ args }) => args)
    .join('\n')
}
