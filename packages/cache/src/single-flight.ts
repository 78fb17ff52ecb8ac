interface Flight {
  /** The cache generation seen before the load started; undefined when Redis could not tell. */
  generation: string | undefined
  promise: Promise<unknown>
}

/** In-process load calls in flight, one per key, so concurrent misses share one load. */
export class Flights {
  readonly #byKey = new Map<string, Flight>()

  /**
   * Joins the flight for `key` if it started at the same generation, or starts one with `load`.
   * A caller that saw a newer generation (an invalidation happened since) gets a flight of its own.
   */
  join<T>(key: string, generation: string | undefined, load: () => Promise<T>): Promise<T> {
    const current = this.#byKey.get(key)
    if (current && current.generation === generation) return current.promise as Promise<T>

    const promise = load()
    const flight: Flight = { generation, promise }
    this.#byKey.set(key, flight)
    const land = () => {
      if (this.#byKey.get(key) === flight) this.#byKey.delete(key)
    }
    promise.then(land, land)
    return promise
  }

  /** Later callers will not join the flight now in the air for `key`. */
  forget(key: string): void {
    this.#byKey.delete(key)
  }
}
