import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import { describe, expect, test } from 'vitest'
import { IMAGE_NODE_FLAGS } from 'web/image-runtime'
import { loadCompose } from '../src/compose.js'
import { loadManifests } from '../src/k8s.js'

/**
 * Share of a memory limit the old-generation heap may take: the rest is for what is not that heap (the young
 * generation, code, Buffers, sockets), which measured about 125 MB under 2,000 connections on Node 24 (`pnpm --filter web overload`).
 */
const HEAP_SHARE = 0.5

const MIB: Record<string, number> = { M: 1, Mi: 1, G: 1024, Gi: 1024 }

/** `256M` (Compose) or `256Mi` (Kubernetes) in MiB. Compose's M are mebibytes too. */
function mib(quantity: string | undefined): number {
  const match = /^(\d+)(Mi|M|Gi|G)$/.exec(quantity ?? '')
  if (!match) throw new Error(`not a memory quantity in MiB or GiB: ${quantity}`)
  return Number(match[1]) * (MIB[match[2] ?? ''] ?? Number.NaN)
}

/** The old-generation limit in MiB the web image starts node with (dockerfile.test.ts holds its CMD to the list). */
const heap = Number(
  IMAGE_NODE_FLAGS.find((flag) => flag.startsWith('--max-old-space-size='))?.split('=')[1],
)
const limits = {
  'compose.yml': mib(
    (
      loadCompose('compose.yml').services.web as {
        deploy?: { resources?: { limits?: { memory?: string } } }
      }
    ).deploy?.resources?.limits?.memory,
  ),
  'k8s/web-deployment.yaml': mib(
    (
      loadManifests().find(
        (item) => item.kind === 'Deployment' && item.metadata.name === 'web',
      ) as IDeployment
    ).spec?.template.spec?.containers[0]?.resources?.limits?.memory as string,
  ),
}

describe("web's heap against its memory limits", () => {
  test.each(Object.entries(limits))(
    `--max-old-space-size of the image fits under the memory limit of %s with room to spare`,
    (_, limit) => {
      expect(heap).toBeGreaterThan(0)
      expect(heap).toBeLessThanOrEqual(limit * HEAP_SHARE)
    },
  )

  test('the limits agree, so one heap size suits both', () => {
    expect(new Set(Object.values(limits)).size).toBe(1)
  })
})
