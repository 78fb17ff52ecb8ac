import type { Check } from '../check.js'
import { firstCacheRead, secondCacheRead } from './cache.js'
import { counter, stats } from './counter.js'
import { createPost, getPost, listPosts } from './posts.js'
import { health, status } from './service.js'

/** One round, in order: later checks use what earlier ones learned (the created post, Redis's state). */
export const ROUND_CHECKS: readonly Check[] = [
  health,
  status,
  createPost,
  getPost,
  listPosts,
  firstCacheRead,
  secondCacheRead,
  counter,
  stats,
]
