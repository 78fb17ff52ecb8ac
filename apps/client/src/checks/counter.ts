import { CounterSchema, StatsSchema } from '@repo/contracts/counter'
import { type Check, CheckFailure } from '../check.js'
import { expectStatus, parseBody } from './expect.js'

export const counter: Check = {
  name: 'counter',
  async run({ http, state }) {
    const response = await http.request('GET', '/api/contador')
    expectStatus(response, 200)
    state.counter = parseBody(CounterSchema, response).contador
    return undefined
  },
}

export const stats: Check = {
  name: 'stats',
  async run({ http, state }) {
    const response = await http.request('GET', '/api/stats')
    expectStatus(response, 200)
    const body = parseBody(StatsSchema, response)
    if (state.counter !== undefined && body.total_requisicoes < state.counter) {
      throw new CheckFailure(
        `total_requisicoes is ${body.total_requisicoes}, below the counter just read (${state.counter})`,
      )
    }
    return undefined
  },
}
