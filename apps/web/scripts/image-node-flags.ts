/**
 * The flags the web image starts node with (infra/Dockerfile's CMD, held to this list by infra's tests). Chosen by
 * `pnpm --filter web overload` on Node 24, the image's runtime: with V8's own sizing on a large machine, 2,000
 * connections took the app to 385–395 MB (V8 reserving 205–226 MB for a heap of 56–82 MB in use), past the
 * 256 MB limit of the container. An old generation of 80 MiB and semi-spaces of 2 MiB kept it at 193–198 MB.
 */
export const IMAGE_NODE_FLAGS = ['--max-old-space-size=80', '--max-semi-space-size=2'] as const
