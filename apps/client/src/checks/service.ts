import { HealthSchema, StatusSchema } from '@repo/contracts/status'
import { type Check, CheckFailure } from '../check.js'
import { expectStatus, parseBody } from './expect.js'

export const health: Check = {
  name: 'health',
  async run({ http }) {
    const response = await http.request('GET', '/health')
    expectStatus(response, 200)
    parseBody(HealthSchema, response)
    return undefined
  },
}

/** A degraded answer (503) is the contract's way to report a dependency down, so it passes with a note. */
export const status: Check = {
  name: 'status',
  async run({ http, state }) {
    const response = await http.request('GET', '/status')
    expectStatus(response, 200, 503)
    const body = parseBody(StatusSchema, response)
    const down = [
      ...(body.banco_dados === 'desconectado' ? ['banco_dados'] : []),
      ...(body.cache === 'desconectado' ? ['cache'] : []),
    ]
    const expected =
      down.length === 0 ? { http: 200, status: 'ok' } : { http: 503, status: 'degradado' }
    if (response.status !== expected.http || body.status !== expected.status) {
      throw new CheckFailure(
        `HTTP ${response.status} with status "${body.status}" while ${down.length === 0 ? 'nothing is' : down.join(' and ')} desconectado`,
      )
    }
    state.cacheConnected = body.cache === 'conectado'
    return down.length === 0 ? undefined : `degradado: ${down.join(' and ')} desconectado`
  },
}
