import {
  type IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  ServerResponse,
} from 'node:http'

export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>

type AnswerHeaders = OutgoingHttpHeaders | OutgoingHttpHeader[]

/**
 * Node's response, sending `frameHeaders` with the headers the answer gives `writeHead`, explicitly or not (an
 * answer's own header of the same name, in any case, wins). Set with `setHeader` before the route runs, they
 * would put every `writeHead` after them on Node's slow path, which sets each of the answer's headers again.
 */
export class FramedResponse<
  Request extends IncomingMessage = IncomingMessage,
> extends ServerResponse<Request> {
  frameHeaders: HeaderList = []

  override writeHead(
    statusCode: number,
    reason?: string | AnswerHeaders,
    headers?: AnswerHeaders,
  ): this {
    if (typeof reason === 'string') {
      return super.writeHead(statusCode, reason, withFrameHeaders(this.frameHeaders, headers, this))
    }
    return super.writeHead(statusCode, withFrameHeaders(this.frameHeaders, reason, this))
  }
}

/**
 * One flat list (`[name, value, name, value, …]`) of `frame`'s headers, then the answer's `own`: the frame's leave
 * out any name `own` has, or `response` already has from `setHeader`.
 */
function withFrameHeaders(
  frame: HeaderList,
  own: AnswerHeaders | undefined,
  response: Pick<ServerResponse, 'hasHeader'>,
): OutgoingHttpHeader[] {
  const ownFlat = flatten(own)
  const flat: OutgoingHttpHeader[] = []
  for (const [name, value] of frame) {
    if (!hasName(ownFlat, name) && !response.hasHeader(name)) flat.push(name, value)
  }
  for (const item of ownFlat) flat.push(item)
  return flat
}

/** Every form `writeHead` takes (an object, a flat list, a list of pairs) as a flat list. */
function flatten(headers: AnswerHeaders | undefined): OutgoingHttpHeader[] {
  if (headers === undefined) return []
  if (!Array.isArray(headers)) {
    const flat: OutgoingHttpHeader[] = []
    for (const name in headers) flat.push(name, headers[name] as OutgoingHttpHeader)
    return flat
  }
  return Array.isArray(headers[0]) ? headers.flat(1) : headers
}

function hasName(flat: OutgoingHttpHeader[], name: string): boolean {
  for (let i = 0; i < flat.length; i += 2) {
    const other = String(flat[i])
    if (other.length === name.length && other.toLowerCase() === name.toLowerCase()) return true
  }
  return false
}
