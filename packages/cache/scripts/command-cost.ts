// CPU time of one cache read through the client the app uses (createCache): 32 reads in flight, 40,000 reads a
// round, after a warm-up round; this process's user + system time per read. It reads a key nobody writes, under
// a prefix of its own, so it leaves nothing behind.
//   pnpm --filter @repo/cache exec tsx scripts/command-cost.ts [redis://127.0.0.1:6379]
import { createCache } from '../src/client.js'

const READS = 40_000
const IN_FLIGHT = 32

const cache = createCache(process.argv[2] ?? 'redis://127.0.0.1:6379', {
  keyPrefix: `command-cost-${process.pid}:`,
})
while (!cache.isReady()) await new Promise((resolve) => setTimeout(resolve, 20))

async function round(reads: number): Promise<number> {
  const before = process.cpuUsage()
  let left = reads
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (left-- > 0) await cache.readEntry('posts_cache')
    }),
  )
  const { user, system } = process.cpuUsage(before)
  return (user + system) / reads
}

await round(READS / 2)
const rounds = [await round(READS), await round(READS), await round(READS)]
console.log(
  `CPU per cache read (${IN_FLIGHT} in flight, ${READS.toLocaleString('en')} a round): ${rounds.map((us) => `${us.toFixed(1)} µs`).join(', ')}`,
)
await cache.close()
