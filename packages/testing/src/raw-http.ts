import { connect } from 'node:net'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  /** Every header line's name, lower-cased, in the order sent: a name sent twice is there twice. */
  headerNames: string[]
  body: string
}

/** Parses the complete responses at the start of `data`; a response without Content-Length ends the data. */
function parseResponses(data: Buffer, closed: boolean): RawResponse[] {
  const responses: RawResponse[] = []
  let rest = data
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n')
    if (headEnd < 0) break
    const [statusLine = '', ...headerLines] = rest
      .subarray(0, headEnd)
      .toString('latin1')
      .split('\r\n')
    const fields = headerLines.map((line) => {
      const colon = line.indexOf(':')
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const
    })
    const headers = Object.fromEntries(fields)
    const declared = headers['content-length']
    const length =
      declared === undefined ? (closed ? rest.length - headEnd - 4 : 0) : Number(declared)
    if (rest.length < headEnd + 4 + length) break
    const body = rest.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8')
    responses.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      headerNames: fields.map(([name]) => name),
      body,
    })
    rest = rest.subarray(headEnd + 4 + length)
  }
  return responses
}

/**
 * Writes `request` byte for byte on a new connection (what `fetch` would refuse to send, or would fix), and
 * resolves with the responses once `count` have arrived or the server closed the connection.
 */
export function rawHttp(
  port: number,
  request: string | Buffer,
  { count = 1, timeoutMs = 5000 }: { count?: number; timeoutMs?: number } = {},
): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = Buffer.alloc(0)
    const finish = (closed: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(parseResponses(data, closed))
    }
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`fewer than ${count} responses within ${timeoutMs} ms: ${data}`))
    }, timeoutMs)
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk])
      if (parseResponses(data, false).length >= count) finish(false)
    })
    socket.on('close', () => finish(true))
    socket.on('error', () => {})
    socket.write(request)
  })
}
