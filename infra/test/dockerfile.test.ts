import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { DockerfileParser, type ImageTemplate } from 'dockerfile-ast'
import { validate } from 'dockerfile-utils'
import { describe, expect, test } from 'vitest'
import { IMAGE_ENV, IMAGE_NODE_FLAGS } from 'web/image-runtime'
import { dockerignoreAt } from '../src/rehearsal.js'
import { readRepoFile, repoRoot, workspaceManifests, workspacePatches } from '../src/repo.js'

// DiagnosticSeverity.Error of the language server protocol, whose diagnostics dockerfile-utils returns.
const lspError = 1

const text = readRepoFile('infra/Dockerfile')
const dockerfile = DockerfileParser.parse(text)
const buildScript = readRepoFile('infra/scripts/build-app.sh')

const stages = new Map<string, ImageTemplate>(
  dockerfile.getFROMs().map((from) => {
    const stage = dockerfile.getContainingImage(from.getRange().start)
    if (stage === null) throw new Error(`no stage at ${from}`)
    return [from.getBuildStage() ?? '', stage]
  }),
)

function stage(name: string): ImageTemplate {
  const found = stages.get(name)
  if (found === undefined) throw new Error(`infra/Dockerfile has no stage ${name}`)
  return found
}

/** The stage's instructions after its FROM, as `KEYWORD arguments` (flags left out). */
function instructionsOf(name: string): string[] {
  return stage(name)
    .getInstructions()
    .slice(1)
    .map((instruction) => `${instruction.getKeyword()} ${instruction.getArgumentsContent()}`)
}

const finalStages = ['web', 'client']

describe('dockerfile-utils', () => {
  test('infra/Dockerfile has no errors or warnings', () => {
    expect(
      validate(text).map(({ message, range }) => `${range.start.line + 1}: ${message}`),
    ).toEqual([])
  })

  test('it does report errors: an unknown instruction and a bad duration', () => {
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
  test('one pinned base image, node 24 on Alpine, that every other stage builds on', () => {
    const bases = dockerfile.getFROMs().map((from) => [from.getBuildStage(), from.getImage()])
    expect(bases).toEqual([
      ['base', 'node:24-alpine'],
      ['workspace', 'base'],
      ['web-build', 'workspace'],
      ['client-build', 'workspace'],
      ['web', 'base'],
      ['client', 'base'],
    ])
  })

  test.each(finalStages)(
    '%s holds only its build output, runs as node with NODE_ENV=production, and starts node in exec form',
    (name) => {
      const instructions = stage(name).getInstructions().slice(1)
      const keywords = instructions.map((instruction) => instruction.getKeyword())
      expect(keywords).not.toContain('RUN')
      expect(
        stage(name)
          .getCOPYs()
          .map((copy) => copy.getFromFlag()?.getValue()),
      ).toEqual([`${name}-build`])
      expect(instructionsOf(name)).toEqual(
        expect.arrayContaining(['ENV NODE_ENV=production', 'USER node']),
      )
      expect(instructionsOf(name).filter((line) => line.startsWith('USER '))).toEqual(['USER node'])
      const [cmd, ...moreCmds] = stage(name).getCMDs()
      expect(moreCmds).toEqual([])
      expect(cmd?.getJSONStrings().map((argument) => argument.getJSONValue())).toEqual(
        name === 'web'
          ? ['node', ...IMAGE_NODE_FLAGS, 'dist/server/index.js']
          : ['node', 'dist/index.js'],
      )
      expect(stage(name).getHEALTHCHECKs()).toHaveLength(1)
    },
  )

  test('web exposes 5000', () => {
    expect(instructionsOf('web')).toContain('EXPOSE 5000')
  })

  test("no ARG, and no ENV but NODE_ENV and web's runtime settings: nothing that could hold a secret is baked in", () => {
    expect(dockerfile.getARGs()).toEqual([])
    const names = dockerfile
      .getENVs()
      .flatMap((env) => env.getProperties().map((property) => property.getName()))
    expect(names).toEqual(['NODE_ENV', ...Object.keys(IMAGE_ENV), 'NODE_ENV'])
  })

  test("web's ENV holds the runtime settings of image-runtime.ts, at their values", () => {
    const settings = stage('web')
      .getENVs()
      .flatMap((env) => env.getProperties())
      .map((property) => [property.getName(), property.getValue()])
    expect(Object.fromEntries(settings)).toEqual({ NODE_ENV: 'production', ...IMAGE_ENV })
  })
})

describe('pnpm and the build script', () => {
  test('infra/Dockerfile installs exactly the pnpm of package.json "packageManager"', () => {
    const { packageManager } = JSON.parse(readRepoFile('package.json')) as {
      packageManager: string
    }
    const runs = instructionsOf('workspace').filter((line) => line.startsWith('RUN '))
    expect(runs).toEqual([`RUN npm install --global ${packageManager}`])
  })

  test.each(finalStages)(
    'the %s build stage installs before the sources arrive, then builds, with build-app.sh',
    (name) => {
      expect(instructionsOf(`${name}-build`)).toEqual([
        `RUN sh infra/scripts/build-app.sh install ${name}`,
        'COPY . .',
        `RUN sh infra/scripts/build-app.sh build ${name} /out`,
      ])
    },
  )

  test('the build script installs from the lockfile only', () => {
    const installs = buildScript
      .split('\n')
      .filter((line) => /^\s*pnpm\s+(install|i|add)\b/.test(line))
    expect(installs).toEqual(['  pnpm install --frozen-lockfile --filter "$1..."'])
  })
})

describe('build context', () => {
  const sources = stage('workspace')
    .getCOPYs()
    .flatMap((copy) =>
      copy
        .getArguments()
        .slice(0, -1)
        .map((argument) => argument.getValue()),
    )
  const ignored = dockerignoreAt(repoRoot)

  test('every workspace package.json is copied before the install, so the lockfile matches', () => {
    expect(sources).toEqual(expect.arrayContaining(workspaceManifests()))
  })

  test('every patch of a dependency is copied before the install, which fails without it', () => {
    const patches = workspacePatches()
    expect(patches.length).toBeGreaterThan(0)
    const directories = sources.filter((source) => source.endsWith('/'))
    for (const patch of patches) {
      expect(
        sources.includes(patch) || directories.some((directory) => patch.startsWith(directory)),
        patch,
      ).toBe(true)
    }
  })

  test('every file the Dockerfile copies exists and is not excluded by .dockerignore', () => {
    for (const source of sources) {
      expect(existsSync(join(repoRoot, source)), source).toBe(true)
      expect(ignored.ignores(source), source).toBe(false)
    }
  })

  test.each([
    'node_modules/vitest/package.json',
    'apps/web/node_modules/hono/package.json',
    'apps/web/dist/server/index.js',
    'packages/db/.turbo/turbo-build.log',
    '.git/HEAD',
    '.reports/infra.json',
    'apps/client/coverage/index.html',
    '.env',
    '.env.local',
    'apps/web/.env.production',
    'pnpm-debug.log',
    'apps/web/npm-debug.log',
  ])('.dockerignore leaves %s out', (path) => {
    expect(ignored.ignores(path)).toBe(true)
  })

  test.each([
    'pnpm-lock.yaml',
    'package.json',
    'apps/web/src/index.ts',
    'packages/db/migrations/0001_create_posts.sql',
    'apps/web/public/dashboard.js',
    'infra/scripts/build-app.sh',
    'infra/Dockerfile',
  ])('.dockerignore keeps %s', (path) => {
    expect(ignored.ignores(path)).toBe(false)
  })
})
