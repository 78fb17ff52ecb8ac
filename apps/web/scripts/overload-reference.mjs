// The overload script's reference (`--reference`): bare node:http on PORT that spends CPU_US microseconds of CPU
// on each request, then answers 200 with a short JSON body. Under the same flood as the app, it shows what Node
// itself does with 2,000 connections when every request costs about what one of the app's does.
import { createServer } from 'node:http'

const port = Number(process.env.PORT)
const cpuMs = Number(process.env.CPU_US) / 1000
const body = JSON.stringify({ ok: true })

createServer((_request, response) => {
  const until = performance.now() + cpuMs
  while (performance.now() < until);
  response.writeHead(200, { 'content-type': 'application/json' }).end(body)
}).listen({ port, backlog: 4096 }, () => console.log('listening'))
