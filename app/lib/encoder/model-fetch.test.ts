import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EncoderError } from './encoder-error.ts'
import { fetchModel, MODEL_CACHE_NAME, modelCacheKey, sha256Hex, type ModelSource } from './model-fetch.ts'

const MODEL_DIR = path.resolve(import.meta.dirname, '../../../models/test-encoder')

/** Cache Storage in memory, as much of it as fetchModel uses. */
class MemoryCaches {
  readonly boxes = new Map<string, Map<string, Response>>()
  async open(name: string) {
    let box = this.boxes.get(name)
    if (!box) this.boxes.set(name, (box = new Map()))
    const b = box
    return {
      match: async (key: string) => b.get(key)?.clone(),
      put: async (key: string, r: Response) => void b.set(key, new Response(await r.arrayBuffer(), { headers: r.headers })),
      delete: async (key: string) => b.delete(key),
    }
  }
  async delete(name: string) {
    return this.boxes.delete(name)
  }
  asStorage(): CacheStorage {
    return this as unknown as CacheStorage
  }
}

/** A body sent in `chunks` pieces; with `stopAfter`, the stream errors after that many bytes, as a dropped connection does. */
function chunked(bytes: Uint8Array, chunks: number, stopAfter?: number): ReadableStream<Uint8Array> {
  const size = Math.ceil(bytes.byteLength / chunks)
  let at = 0
  return new ReadableStream({
    pull(controller) {
      if (stopAfter !== undefined && at >= stopAfter) return controller.error(new TypeError('network error'))
      if (at >= bytes.byteLength) return controller.close()
      controller.enqueue(bytes.slice(at, at + size))
      at += size
    },
  })
}

/** Byte equality (toEqual on 444 kB walks every element slowly). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))

function server(answer: () => Response | Promise<Response>) {
  const calls: string[] = []
  const fetchImpl = (async (input: RequestInfo | URL) => {
    calls.push(String(input))
    return answer()
  }) as typeof fetch
  return { calls, fetchImpl }
}

const file = new Uint8Array(await readFile(path.join(MODEL_DIR, 'encoder.onnx')))
const manifest = JSON.parse(await readFile(path.join(MODEL_DIR, 'manifest.json'), 'utf8')) as { sha256: string; bytes: number }
const source: ModelSource = { id: 'test', url: 'http://models.test/encoder.onnx', sha256: manifest.sha256, bytes: manifest.bytes }
const ok = () => new Response(chunked(file, 7), { headers: { 'Content-Length': String(file.byteLength) } })

describe('fetchModel', () => {
  it('checks the test model against its manifest', async () => {
    expect(await sha256Hex(file)).toBe(manifest.sha256)
    expect(file.byteLength).toBe(manifest.bytes)
  })

  it('downloads with progress in bytes, keeps the file, and serves the second load from the cache', async () => {
    const caches = new MemoryCaches()
    const { calls, fetchImpl } = server(ok)
    const progress: { loaded: number; total: number | null }[] = []
    const first = await fetchModel(source, { fetch: fetchImpl, caches: caches.asStorage(), onProgress: (p) => progress.push(p) })
    expect(first.fromCache).toBe(false)
    expect(first.cached).toBe(true)
    expect(same(first.bytes, file)).toBe(true)
    expect(progress[0]).toEqual({ loaded: 0, total: file.byteLength })
    expect(progress.at(-1)).toEqual({ loaded: file.byteLength, total: file.byteLength })
    expect(progress.map((p) => p.loaded)).toEqual([...progress.map((p) => p.loaded)].sort((a, b) => a - b))
    expect([...caches.boxes.get(MODEL_CACHE_NAME)!.keys()]).toEqual([modelCacheKey(source)])

    const second = await fetchModel(source, { fetch: fetchImpl, caches: caches.asStorage() })
    expect(second.fromCache).toBe(true)
    expect(same(second.bytes, file)).toBe(true)
    expect(calls).toHaveLength(1)
  })

  it('keys the cache by URL and checksum, so a new checksum downloads again', async () => {
    expect(modelCacheKey(source)).not.toBe(modelCacheKey({ ...source, sha256: 'ab'.repeat(32) }))
    expect(modelCacheKey(source)).not.toBe(modelCacheKey({ ...source, url: 'http://models.test/other.onnx' }))
  })

  it('refuses a file whose checksum differs, and keeps nothing', async () => {
    const caches = new MemoryCaches()
    const damaged = file.slice()
    damaged[1000] = damaged[1000]! ^ 0xff
    const { fetchImpl } = server(() => new Response(damaged))
    const err = await fetchModel(source, { fetch: fetchImpl, caches: caches.asStorage() }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EncoderError)
    expect(err).toMatchObject({ kind: 'checksum' })
    expect((err as Error).message).toMatch(/not the one its manifest names/)
    expect(caches.boxes.get(MODEL_CACHE_NAME)?.size ?? 0).toBe(0)
  })

  it.each([
    [404, /not found.*HTTP 404.*Check the model's URL/],
    [403, /refused.*HTTP 403/],
    [503, /failed \(HTTP 503\).*Try again/],
  ])('says what an HTTP %i means, and keeps nothing', async (status, message) => {
    const caches = new MemoryCaches()
    const { calls, fetchImpl } = server(() => new Response('no', { status }))
    const err = await fetchModel(source, { fetch: fetchImpl, caches: caches.asStorage(), retries: 1, baseDelayMs: 1 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'download' })
    expect((err as Error).message).toMatch(message)
    expect(calls).toHaveLength(status >= 500 ? 2 : 1)
    expect(caches.boxes.get(MODEL_CACHE_NAME)?.size ?? 0).toBe(0)
  })

  it('says so when the download stops half way', async () => {
    const caches = new MemoryCaches()
    const { fetchImpl } = server(() => new Response(chunked(file, 10, 200_000), { headers: { 'Content-Length': String(file.byteLength) } }))
    const err = await fetchModel(source, { fetch: fetchImpl, caches: caches.asStorage() }).catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'download', message: expect.stringMatching(/stopped half way/) })
    expect(caches.boxes.get(MODEL_CACHE_NAME)?.size ?? 0).toBe(0)
  })

  it('says so when the body ends early without an error', async () => {
    const { fetchImpl } = server(() => new Response(file.slice(0, 1000), { headers: { 'Content-Length': String(file.byteLength) } }))
    const err = await fetchModel(source, { fetch: fetchImpl, caches: null }).catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'download', message: expect.stringMatching(/stopped half way: 0\.00 MB of 0\.44 MB/) })
  })

  it('says so when the server cannot be reached', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('Failed to fetch')
    }) as typeof fetch
    const err = await fetchModel(source, { fetch: fetchImpl, caches: null, retries: 0 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'download', message: expect.stringMatching(/Could not reach/) })
  })

  it('stops when aborted, with kind aborted', async () => {
    const controller = new AbortController()
    let pulls = 0
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (++pulls === 2) controller.abort()
        c.enqueue(new Uint8Array(1000))
      },
    })
    const { fetchImpl } = server(() => new Response(body))
    const err = await fetchModel(source, { fetch: fetchImpl, caches: null, signal: controller.signal }).catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'aborted' })
  })

  it('works without Cache Storage, and without a checksum', async () => {
    const { calls, fetchImpl } = server(ok)
    const unchecked = { ...source, sha256: null }
    const a = await fetchModel(unchecked, { fetch: fetchImpl, caches: null })
    expect(a).toMatchObject({ fromCache: false, cached: false })
    await fetchModel(unchecked, { fetch: fetchImpl, caches: null })
    expect(calls).toHaveLength(2)
  })
})
