/** Latencies in milliseconds, summarised as the percentiles a load report needs. */
export class Latencies {
  readonly #samples: number[] = []

  add(ms: number): void {
    this.#samples.push(ms)
  }

  get count(): number {
    return this.#samples.length
  }

  summary(): { p50: number; p99: number; max: number } {
    const sorted = [...this.#samples].sort((a, b) => a - b)
    const at = (fraction: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN
    return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN }
  }
}

export const ms = (value: number) => `${value.toFixed(1)} ms`
