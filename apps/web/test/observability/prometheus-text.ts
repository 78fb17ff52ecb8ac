/** One sample of a metric in the Prometheus text format: its labels and its value. */
export interface Sample {
  labels: Record<string, string>
  value: number
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/** The samples of `name` in an exposition, for the tests to read what a scraper would. */
export function samplesOf(exposition: string, name: string): Sample[] {
  return exposition.split('\n').flatMap((line) => {
    const match = SAMPLE_LINE.exec(line)
    if (!match || match[1] !== name) return []
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(LABEL)].map(([, key, value]) => [key, value]),
    )
    return [{ labels, value: Number(match[3]) }]
  })
}

/** The value of the sample of `name` whose labels include `labels`; undefined when there is none. */
export function sampleValue(
  exposition: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samplesOf(exposition, name).find((sample) =>
    Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value
}
