import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { validate } from 'dockerfile-utils'
import { describe, expect, test } from 'vitest'
import { buildOf, parseCompose } from '../src/compose.js'
import {
  effectiveInstructions,
  finalStages,
  parseDockerfile,
  type Stage,
} from '../src/dockerfile.js'
import {
  contextSources,
  type DockerfileRule,
  finalStagesRunningAsRoot,
  finalStagesWithMoreThanBuildOutput,
  finalStagesWithoutHealthcheck,
  finalStagesWithoutNodeExecCmd,
  finalStagesWithoutProductionEnv,
  installsWithoutFrozenLockfile,
  pnpmVersionProblems,
  runCommands,
  secretsInArgOrEnv,
  sourcesCopiedBeforeInstall,
  unpinnedBaseImages,
} from '../src/dockerfile-rules.js'
import { isIgnored, parseDockerignore } from '../src/dockerignore.js'
import { pinnedPnpmVersion, readRepoFile, repoRoot, workspaceManifests } from '../src/repo.js'

// DiagnosticSeverity.Error of the language server protocol, whose diagnostics dockerfile-utils returns.
const lspError = 1

const dockerfile = readRepoFile('infra/Dockerfile')
const buildScript = readRepoFile('infra/scripts/build-app.sh')

const good = `FROM node:24-alpine AS base
WORKDIR /app

FROM base AS build
RUN npm install -g pnpm@10.34.8
COPY package.json pnpm-lock.yaml ./
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm --filter web build

FROM base AS web
ENV NODE_ENV=production
COPY --from=build /app/dist ./dist
USER node
HEALTHCHECK CMD ["node", "-e", "process.exit(0)"]
CMD ["node", "dist/index.js"]
`

describe('dockerfile-utils', () => {
  test('infra/Dockerfile has no errors or warnings', () => {
    expect(
      validate(dockerfile).map(({ message, range }) => `${range.start.line + 1}: ${message}`),
    ).toEqual([])
  })

  test('a Dockerfile with an unknown instruction and a bad duration gets an error for each', () => {
    const diagnostics = validate(
      'FROM node:24-alpine\nRUNN echo\nHEALTHCHECK --interval=often CMD true\n',
    )
    expect(diagnostics.map(({ severity, message }) => [severity, message])).toEqual([
      [lspError, 'Unknown instruction: RUNN'],
      [lspError, 'time: invalid duration often'],
    ])
  })
})

describe('stages', () => {
  const stages = parseDockerfile(dockerfile)

  test('the images one can build are exactly web and client', () => {
    expect(finalStages(stages).map((stage) => stage.name)).toEqual(['web', 'client'])
  })

  test('every target compose builds is one of those final stages', () => {
    const compose = parseCompose(readRepoFile('infra/compose.yml'))
    const targets = Object.values(compose.services ?? {}).flatMap(
      (service) => buildOf(service)?.target ?? [],
    )
    const finalNames = finalStages(stages).map((stage) => stage.name)
    expect(targets.sort()).toEqual(['client', 'web'])
    for (const target of targets) expect(finalNames).toContain(target)
  })

  test('web exposes 5000 and runs the server bundle; client runs its bundle', () => {
    const [web, client] = finalStages(stages)
    const cmdOf = (stage: Stage | undefined) =>
      stage === undefined
        ? undefined
        : effectiveInstructions(stages, stage).findLast(({ keyword }) => keyword === 'CMD')?.args
    expect(web?.instructions.find(({ keyword }) => keyword === 'EXPOSE')?.args).toBe('5000')
    expect(cmdOf(web)).toBe('["node", "dist/server/index.js"]')
    expect(cmdOf(client)).toBe('["node", "dist/index.js"]')
  })

  test('continuation lines and comments are read as Docker reads them', () => {
    const [stage] = parseDockerfile(
      'FROM node:24-alpine AS Base\n# note\nRUN a \\\n  # inside\n  && b\n\nUSER node\n',
    )
    expect(stage?.name).toBe('base')
    expect(stage?.instructions).toEqual([
      { keyword: 'RUN', args: 'a && b', line: 3 },
      { keyword: 'USER', args: 'node', line: 7 },
    ])
  })
})

const rules: [string, DockerfileRule, string][] = [
  ['base images are pinned', unpinnedBaseImages, good.replace('node:24-alpine', 'node:alpine')],
  [
    'final stages do not run as root',
    finalStagesRunningAsRoot,
    good.replace('USER node', 'USER root'),
  ],
  [
    'final stages start node in exec form',
    finalStagesWithoutNodeExecCmd,
    good.replace('CMD ["node", "dist/index.js"]', 'CMD node dist/index.js'),
  ],
  [
    'final stages have a health check',
    finalStagesWithoutHealthcheck,
    good.replace(/HEALTHCHECK .*\n/, 'HEALTHCHECK NONE\n'),
  ],
  [
    'final stages run with NODE_ENV=production',
    finalStagesWithoutProductionEnv,
    good.replace('ENV NODE_ENV=production', 'ENV NODE_ENV=development'),
  ],
  [
    'final stages hold only the build output',
    finalStagesWithMoreThanBuildOutput,
    good.replace('USER node', 'COPY . .\nUSER node'),
  ],
  [
    'dependencies are installed before the sources are copied',
    sourcesCopiedBeforeInstall,
    good.replace('COPY . .\n', '').replace('COPY package.json', 'COPY . .\nCOPY package.json'),
  ],
  [
    'no secret in ARG or ENV',
    secretsInArgOrEnv,
    good.replace('ENV NODE_ENV=production', 'ENV NODE_ENV=production POSTGRES_PASSWORD=x'),
  ],
]

describe.each(rules)('rule: %s', (_, rule, badSnippet) => {
  test('holds for infra/Dockerfile', () => {
    expect(rule(dockerfile)).toEqual([])
  })

  test('holds for the reference snippet', () => {
    expect(rule(good)).toEqual([])
  })

  test('fails on a snippet that breaks it', () => {
    expect(rule(badSnippet)).not.toEqual([])
  })
})

describe('pnpm', () => {
  test('infra/Dockerfile installs exactly the pnpm of package.json "packageManager"', () => {
    expect(pnpmVersionProblems(dockerfile, pinnedPnpmVersion())).toEqual([])
  })

  test('another pnpm version, or none pinned, is reported', () => {
    expect(pnpmVersionProblems(good, '10.34.9')).toEqual([
      'pnpm@10.34.8 is installed, but package.json asks for pnpm@10.34.9',
    ])
    expect(pnpmVersionProblems(good.replace('pnpm@10.34.8', 'pnpm'), '10.34.8')).toEqual([
      'pnpm is never installed with an explicit version',
    ])
  })

  test('the image build and the build script install only from the lockfile', () => {
    expect(installsWithoutFrozenLockfile(runCommands(dockerfile))).toEqual([])
    expect(installsWithoutFrozenLockfile(buildScript)).toEqual([])
    expect(buildScript).toMatch(/^\s*pnpm install --frozen-lockfile\b/m)
  })

  test('an install that may rewrite the lockfile is reported', () => {
    expect(installsWithoutFrozenLockfile('pnpm install --filter web...\npnpm i')).toHaveLength(2)
  })

  test('each app is built by the shared build script, which the Dockerfile copies in', () => {
    const runs = runCommands(dockerfile)
    for (const app of ['web', 'client']) {
      expect(runs).toContain(`sh infra/scripts/build-app.sh install ${app}`)
      expect(runs).toContain(`sh infra/scripts/build-app.sh build ${app} /out`)
    }
  })
})

describe('build context', () => {
  const sources = contextSources(dockerfile)
  const ignoreRules = parseDockerignore(readRepoFile('.dockerignore'))

  test('every workspace package.json is copied before the install, so the lockfile matches', () => {
    const copied = sources.flatMap((source) => (source.endsWith('/') ? [] : [source]))
    expect(copied).toEqual(expect.arrayContaining(workspaceManifests()))
  })

  test('every file the Dockerfile copies exists and is not excluded by .dockerignore', () => {
    for (const source of sources) {
      expect(existsSync(join(repoRoot, source)), source).toBe(true)
      expect(isIgnored(ignoreRules, source), source).toBe(false)
    }
  })
})
