import { withTimeout } from '@repo/async/deadline'
import { afterSettling } from '@repo/async/settled'
import type { Context, MiddlewareHandler, Next } from 'hono'
import type { AppEnv } from '../app-env.js'
import { errorResponse, requestTimedOut } from '../errors.js'
import { type NodeBindings, nodeBindings } from '../node-bindings.js'

export interface LoadLimits {
  /** Requests being answered at once. */
  maxInFlight: number
  /** Requests waiting for one of those places, served in arrival order. */
  maxQueued: number
  /** Longest a request waits in the queue before it is turned away. */
  maxQueueWaitMs: number
}

/** Seconds a client turned away is told to wait before it tries again. */
export const RETRY_AFTER_SECONDS = 1

/**
 * How long a connection that was turned away is not read from. Under a flood every connection is readable at
 * once, and Node then reads them for seconds on end before it runs its timers and `setImmediate` callbacks
 * (postgres.js sends its queries from one), so the requests let in wait behind the ones turned away. Not reading
 * a turned-away connection for a moment keeps that turn short; its client's next request waits in the kernel.
 */
const SHED_CONNECTION_PAUSE_MS = 200

/** Asked by orchestrators and scrapers: never queued or turned away, so an overloaded instance is not killed. */
const PROBE_PATHS = new Set(['/health', '/status', '/metrics'])

interface Waiter {
  admit(): void
  /** Set when it gave up waiting; `leave` then skips it. */
  gaveUp: boolean
}

/**
 * Places for requests: `maxInFlight` of them, and a FIFO queue of `maxQueued` behind them. `enter` answers at once
 * whether the request may go on (true), must wait (a promise of whether it got a place in time), or is turned
 * away (false); whoever got a place calls `leave` once it is done, which hands the place to the oldest waiter.
 */
export class RequestGate {
  #inFlight = 0
  #waiting = 0
  /** Waiters in arrival order from `#head` on; those before it have been let in or gave up. */
  readonly #queue: Waiter[] = []
  #head = 0

  constructor(readonly limits: LoadLimits) {}

  get inFlight(): number {
    return this.#inFlight
  }

  get queued(): number {
    return this.#waiting
  }

  enter(): boolean | Promise<boolean> {
    if (this.#inFlight < this.limits.maxInFlight) {
      this.#inFlight++
      return true
    }
    if (this.#waiting >= this.limits.maxQueued) return false
    this.#waiting++
    return new Promise((resolve) => {
      const waiter: Waiter = {
        gaveUp: false,
        admit: () => {
          clearTimeout(timer)
          resolve(true)
        },
      }
      const timer = setTimeout(() => {
        waiter.gaveUp = true
        this.#waiting--
        resolve(false)
      }, this.limits.maxQueueWaitMs)
      this.#queue.push(waiter)
    })
  }

  leave(): void {
    const next = this.#nextWaiter()
    // The place goes straight to the oldest waiter, so in flight stays the same.
    if (next) {
      this.#waiting--
      next.admit()
    } else {
      this.#inFlight--
    }
  }

  #nextWaiter(): Waiter | undefined {
    let next: Waiter | undefined
    while (next === undefined && this.#head < this.#queue.length) {
      const waiter = this.#queue[this.#head++] as Waiter
      if (!waiter.gaveUp) next = waiter
    }
    // Drop what is behind the head now and then, so that the array does not grow under lasting load.
    if (this.#head > 1024 || this.#head === this.#queue.length) {
      this.#queue.splice(0, this.#head)
      this.#head = 0
    }
    return next
  }
}

/** What a middleware's promise resolves to: its own answer, or none when the rest of the chain answered. */
type Answer = Awaited<ReturnType<MiddlewareHandler>>

export interface Admission {
  /** Answered 503 (requestTimedOut, through onError) when the rest of the chain has not answered by then. */
  deadlineMs: number
  /** Called for each request turned away. */
  onShed?: () => void
}

/**
 * Past the gate's limits, answers 503 with Retry-After at once instead of letting work pile up in memory; requests
 * that wait are let in oldest first. The probes bypass the gate. What goes on has `deadlineMs` to answer: the
 * project's one promise deadline (withTimeout), rather than hono/timeout's promise race, and in this middleware
 * rather than one of its own, which would cost every request another async step.
 */
export function loadShed(
  gate: RequestGate,
  { deadlineMs, onShed = () => {} }: Admission,
): MiddlewareHandler<AppEnv> {
  const answerInTime = (next: Next) => withTimeout(next(), deadlineMs, requestTimedOut)
  const leaveOnceAnswered = afterSettling(() => gate.leave())
  const answerAndLeave = (next: Next) => leaveOnceAnswered(answerInTime(next))
  const turnAway = (c: Context<AppEnv>): Response => {
    onShed()
    pauseConnection(nodeBindings(c))
    c.set('errorKind', 'overloaded')
    c.header('Retry-After', String(RETRY_AFTER_SECONDS))
    return errorResponse(c, 503, 'Servidor sobrecarregado, tente novamente em instantes')
  }
  // Not an async function: a request let in at once then holds no suspended step of its own while it runs.
  return (c, next) => {
    if (PROBE_PATHS.has(c.req.path)) return answerInTime(next)
    const entered = gate.enter()
    if (entered === true) return answerAndLeave(next)
    if (entered === false) return Promise.resolve(turnAway(c))
    return entered.then<Answer>((admitted) => (admitted ? answerAndLeave(next) : turnAway(c)))
  }
}

function pauseConnection({ incoming, outgoing }: NodeBindings): void {
  const socket = incoming?.socket
  if (!socket || !outgoing) return
  // Once the 503 is sent: Node resumes a socket itself while it finishes a request.
  outgoing.once('finish', () => {
    socket.pause()
    setTimeout(() => socket.resume(), SHED_CONNECTION_PAUSE_MS).unref()
  })
}
