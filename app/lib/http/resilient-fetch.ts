// The fetch every file read goes through: retries with backoff when a server has a bad moment
// (5xx, 429, a dropped connection), and a Cache Storage layer for byte ranges, so data loaded
// once comes back from the browser's cache after a reload. Published embedding files are
// immutable, so a cached range stays valid; "Forget cached files" clears it.

import { abortError, isAbortError } from '../errors.ts'

export const RANGE_CACHE_NAME = 'chipfinder-ranges-v1'
const RETRYABLE = new Set([429, 500, 502, 503, 504])
/** Bodies larger than this are not cached (a whole-file 200 of a huge file, say). */
const MAX_CACHED_BYTES = 256 * 1024 * 1024

export interface ResilientFetchOptions {
  retries?: number
  /** First wait; doubles each try. */
  baseDelayMs?: number
  /** Use Cache Storage when the environment has it. */
  cache?: boolean
  fetch?: typeof fetch
  /** Mixed into the cache keys: what makes bytes at one address differ (an index's build). */
  cacheTag?: string
}

function wait(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError())
    const t = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        reject(abortError())
      },
      { once: true },
    )
  })
}

/** The key a range (or a HEAD) is cached under: Cache Storage only keys GET requests by URL. */
export function cacheKey(url: string, method: string, range: string | null, tag?: string): string {
  const key = `https://cache.chipfinder.invalid/v1?u=${encodeURIComponent(url)}&m=${method}&r=${encodeURIComponent(range ?? '')}`
  return tag ? `${key}&t=${encodeURIComponent(tag)}` : key
}

function cacheStorage(): CacheStorage | null {
  return typeof caches !== 'undefined' ? caches : null
}

export async function forgetCachedFiles(): Promise<void> {
  await cacheStorage()?.delete(RANGE_CACHE_NAME)
}

export function resilientFetch(options: ResilientFetchOptions = {}): typeof fetch {
  const { retries = 3, baseDelayMs = 300, cache = true } = options
  const inner = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))

  async function withRetries(input: RequestInfo | URL, init: RequestInit | undefined): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await inner(input, init)
        if (!RETRYABLE.has(response.status) || attempt >= retries) return response
        await response.body?.cancel()
      } catch (err) {
        if (isAbortError(err) || attempt >= retries) throw err
      }
      await wait(baseDelayMs * 2 ** attempt * (0.75 + Math.random() * 0.5), init?.signal)
    }
  }

  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const method = (init?.method ?? 'GET').toUpperCase()
    const headers = new Headers(init?.headers)
    const range = headers.get('Range')
    const store = cache ? cacheStorage() : null
    const cacheable = store !== null && /^https?:/.test(url) && (method === 'HEAD' || (method === 'GET' && range !== null))
    if (!cacheable) return withRetries(input, init)

    const key = cacheKey(url, method, range, options.cacheTag)
    const box = await store.open(RANGE_CACHE_NAME).catch(() => null)
    const hit = await box?.match(key).catch(() => undefined)
    // Cache Storage refuses 206 responses, so ranges are stored as 200s and restored here.
    if (hit) return method === 'HEAD' ? hit : new Response(hit.body, { status: 206, statusText: 'Partial Content', headers: hit.headers })
    const response = await withRetries(input, init)
    const length = Number(response.headers.get('Content-Length') ?? NaN)
    const ok = method === 'HEAD' ? response.ok : response.status === 206
    if (box && ok && length <= MAX_CACHED_BYTES) {
      // The copy for the cache is written in the background; a failure to cache costs nothing.
      const copy = response.clone()
      box.put(key, new Response(method === 'HEAD' ? null : copy.body, { status: 200, headers: copy.headers })).catch(() => undefined)
    }
    return response
  }
}
