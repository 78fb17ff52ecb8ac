/** Every Redis key the app uses, before REDIS_KEY_PREFIX; the names are kept from the original project. */
export const POSTS_CACHE_KEY = 'posts_cache'
export const COUNTER_KEY = 'contador_requisicoes'

/** The generation counter that cache-aside keeps next to each cached key. */
export const generationKey = (dataKey: string) => `${dataKey}:geracao`
