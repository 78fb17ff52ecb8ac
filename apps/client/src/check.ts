import type { Post } from '@repo/contracts/posts'
import type { HttpClient } from './http.js'

/** What earlier checks of the same round learned, for the checks that follow. */
export interface RoundState {
  /** The post this round created. */
  post?: Post
  /** What `status` said about Redis; undefined when it could not tell. */
  cacheConnected?: boolean
  /** `total` of the first cache read, to tell whether another writer intervened. */
  firstCacheTotal?: number
  /** The value the counter check received. */
  counter?: number
}

export interface CheckContext {
  http: HttpClient
  state: RoundState
}

/** One step of a round: a call to the API and what its answer must look like. */
export interface Check {
  name: string
  /** Resolves with an optional note for the report; throws a CheckFailure when the API misbehaves. */
  run(context: CheckContext): Promise<string | undefined>
}

/** Why a check failed, worded for the report line. Any other error thrown by a check is a bug of the client. */
export class CheckFailure extends Error {
  override name = 'CheckFailure'
}
