/**
 * How the web image runs node (infra/Dockerfile's CMD and ENV, held to these by infra's tests). Chosen by
 * `pnpm --filter web overload` on Node 24, the image's runtime, against the 256 MB limit of the container.
 */

/**
 * With V8's own sizing on a large machine, 2,000 connections took the app to 385–395 MB (V8 reserving 205–226 MB
 * for a heap of 56–82 MB in use). An old generation of 80 MiB and semi-spaces of 2 MiB kept it at 193–203 MB.
 */
export const IMAGE_NODE_FLAGS = ['--max-old-space-size=80', '--max-semi-space-size=2'] as const

/**
 * glibc gives each thread that allocates an arena of its own, and V8's helper threads (concurrent marking,
 * compilation) allocate: at most two arenas took the peak of those runs from 193–203 to 187–190 MB.
 */
export const IMAGE_ENV = { MALLOC_ARENA_MAX: '2' } as const
