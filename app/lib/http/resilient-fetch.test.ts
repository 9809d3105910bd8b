import { describe, expect, it } from 'vitest'
import { resilientFetch } from './resilient-fetch.ts'

function scripted(statuses: (number | 'network')[]) {
  const calls: string[] = []
  const fetchImpl = (async (input: RequestInfo | URL) => {
    calls.push(String(input))
    const next = statuses.shift() ?? 200
    if (next === 'network') throw new TypeError('Failed to fetch')
    return new Response(next === 200 ? 'ok' : 'no', { status: next })
  }) as typeof fetch
  return { calls, fetchImpl }
}

describe('resilientFetch', () => {
  it('retries 5xx and dropped connections, then succeeds', async () => {
    const { calls, fetchImpl } = scripted([503, 'network', 200])
    const f = resilientFetch({ fetch: fetchImpl, baseDelayMs: 1, cache: false })
    const r = await f('http://x/a')
    expect(r.status).toBe(200)
    expect(calls).toHaveLength(3)
  })

  it('gives up after the last retry and answers the last status', async () => {
    const { calls, fetchImpl } = scripted([500, 500, 500, 500, 500])
    const r = await resilientFetch({ fetch: fetchImpl, baseDelayMs: 1, retries: 2, cache: false })('http://x/a')
    expect(r.status).toBe(500)
    expect(calls).toHaveLength(3)
  })

  it('does not retry client errors', async () => {
    const { calls, fetchImpl } = scripted([404])
    const r = await resilientFetch({ fetch: fetchImpl, baseDelayMs: 1, cache: false })('http://x/a')
    expect(r.status).toBe(404)
    expect(calls).toHaveLength(1)
  })

  it('rethrows network errors after the retries', async () => {
    const { fetchImpl } = scripted(['network', 'network'])
    await expect(resilientFetch({ fetch: fetchImpl, baseDelayMs: 1, retries: 1, cache: false })('http://x/a')).rejects.toThrow('Failed to fetch')
  })

  it('stops waiting when aborted', async () => {
    const { fetchImpl } = scripted([500, 500])
    const controller = new AbortController()
    const p = resilientFetch({ fetch: fetchImpl, baseDelayMs: 10_000, cache: false })('http://x/a', { signal: controller.signal })
    setTimeout(() => controller.abort(), 5)
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
  })
})
