/** One line of the app's JSON log. */
export interface LogLine {
  level: string
  message: string
  [field: string]: unknown
}

/** A logger sink (`createLogger(level, sink)`) that parses every line into `logs`. */
export function collectInto(logs: LogLine[]): (line: string) => void {
  return (line) => {
    logs.push(JSON.parse(line) as LogLine)
  }
}

/** The JSON log lines of a process's output, skipping anything else it printed. */
export function parseLogLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine)
}
