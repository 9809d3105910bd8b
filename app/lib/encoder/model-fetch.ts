// Downloads an encoder's model file once: streamed with progress in bytes, checked against the
// manifest's SHA-256, and kept in Cache Storage so the next load touches no network. Nothing is
// kept unless the whole file arrived and its checksum matched.

import { isAbortError } from '../errors.ts'
import { resilientFetch } from '../http/resilient-fetch.ts'
import { EncoderError, encoderAborted } from './encoder-error.ts'

/** Bump when the way entries are stored changes; old caches are then simply never read. */
export const MODEL_CACHE_NAME = 'chipfinder-models-v1'

/** Where a model file is and what it must be. */
export interface ModelSource {
  /** The manifest's id, for messages and for telling models apart. */
  id: string
  /** Absolute URL of the .onnx file. */
  url: string
  /** Lower-case hex SHA-256 of the file; null when the manifest gives none (then nothing is checked). */
  sha256: string | null
  /** Size in bytes, for progress before the server says; null when unknown. */
  bytes: number | null
}

export interface ModelFetchProgress {
  loaded: number
  /** Null when neither the manifest nor the server says how large the file is. */
  total: number | null
}

export interface FetchModelOptions {
  signal?: AbortSignal
  onProgress?: (p: ModelFetchProgress) => void
  /** Defaults to the global fetch (through resilientFetch's retries). */
  fetch?: typeof fetch
  /** Defaults to the global Cache Storage where there is one; null: no cache. */
  caches?: CacheStorage | null
  /** Retries of 5xx answers and dropped connections before giving up. */
  retries?: number
  baseDelayMs?: number
}

export interface FetchedModel {
  bytes: Uint8Array<ArrayBuffer>
  /** True when it came from Cache Storage, with no request made. */
  fromCache: boolean
  /** True when it is (now) in Cache Storage: false where there is none, or it refused the entry. */
  cached: boolean
}

/** The Cache Storage key of a model: its URL and the checksum it must have. */
export function modelCacheKey(source: Pick<ModelSource, 'url' | 'sha256'>): string {
  return `https://models.chipfinder.invalid/v1?u=${encodeURIComponent(source.url)}&sha256=${source.sha256 ?? 'none'}`
}

/** Forget every downloaded model. */
export async function forgetCachedModels(store: CacheStorage | null = globalCaches()): Promise<void> {
  await store?.delete(MODEL_CACHE_NAME)
}

function globalCaches(): CacheStorage | null {
  return typeof caches !== 'undefined' ? caches : null
}

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
}

function httpMessage(source: ModelSource, status: number): string {
  const where = `the model "${source.id}" (${source.url})`
  if (status === 404 || status === 410) return `The model file was not found: ${where} answered HTTP ${status}. Check the model's URL in its manifest.`
  if (status === 401 || status === 403)
    return `The server refused to send ${where} (HTTP ${status}). The file may be private, or the server may not allow this site; check the URL or host the model elsewhere.`
  if (status >= 500) return `The server holding ${where} failed (HTTP ${status}), even after retries. Try again in a while.`
  return `Could not download ${where}: the server answered HTTP ${status}.`
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(n < 1e7 ? 2 : 0)} MB`
}

/** Reads a body to the end, reporting bytes as they come (at most every 50 ms, and at the end). */
async function readBody(
  body: ReadableStream<Uint8Array>,
  total: number | null,
  signal: AbortSignal | undefined,
  onProgress: ((p: ModelFetchProgress) => void) | undefined,
): Promise<Uint8Array<ArrayBuffer>> {
  let buffer = new Uint8Array(total !== null && total > 0 ? total : 1 << 20)
  let loaded = 0
  let lastReport = -Infinity
  const reader = body.getReader()
  const onAbort = () => void reader.cancel().catch(() => undefined)
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    onProgress?.({ loaded: 0, total })
    for (;;) {
      const { done, value } = await reader.read()
      if (signal?.aborted) throw encoderAborted()
      if (done) break
      if (loaded + value.byteLength > buffer.byteLength) {
        const grown = new Uint8Array(Math.max(buffer.byteLength * 2, loaded + value.byteLength))
        grown.set(buffer.subarray(0, loaded))
        buffer = grown
      }
      buffer.set(value, loaded)
      loaded += value.byteLength
      const now = Date.now()
      if (now - lastReport >= 50) {
        lastReport = now
        onProgress?.({ loaded, total })
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
  onProgress?.({ loaded, total: total ?? loaded })
  return loaded === buffer.byteLength ? buffer : buffer.slice(0, loaded)
}

/**
 * The model's bytes, from Cache Storage when an earlier load kept them, else downloaded,
 * verified and kept. Throws an EncoderError of kind 'download', 'checksum' or 'aborted'.
 */
export async function fetchModel(source: ModelSource, options: FetchModelOptions = {}): Promise<FetchedModel> {
  const { signal, onProgress } = options
  const store = options.caches === undefined ? globalCaches() : options.caches
  if (signal?.aborted) throw encoderAborted()
  const key = modelCacheKey(source)
  const box = store ? await store.open(MODEL_CACHE_NAME).catch(() => null) : null

  const hit = await box?.match(key).catch(() => undefined)
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer())
    // An entry is only written whole and verified; one of the wrong size was damaged since.
    if (source.bytes === null || bytes.byteLength === source.bytes) {
      onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength })
      return { bytes, fromCache: true, cached: true }
    }
    await box?.delete(key).catch(() => false)
  }

  const fetchImpl = resilientFetch({ cache: false, retries: options.retries ?? 2, baseDelayMs: options.baseDelayMs ?? 500, ...(options.fetch ? { fetch: options.fetch } : {}) })
  let response: Response
  try {
    response = await fetchImpl(source.url, { signal: signal ?? null, cache: 'no-store' })
  } catch (err) {
    if (isAbortError(err) || signal?.aborted) throw encoderAborted()
    throw new EncoderError(
      'download',
      `Could not reach the server holding the model "${source.id}" (${source.url}): the connection failed. Check the network, or that the server allows this site (CORS), and try again.`,
    )
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined)
    throw new EncoderError('download', httpMessage(source, response.status))
  }
  const encoded = (response.headers.get('Content-Encoding') ?? 'identity') !== 'identity'
  const announced = encoded ? NaN : Number(response.headers.get('Content-Length') ?? NaN)
  const total = Number.isFinite(announced) && announced > 0 ? announced : source.bytes

  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = response.body ? await readBody(response.body, total, signal, onProgress) : new Uint8Array(await response.arrayBuffer())
  } catch (err) {
    if (isAbortError(err) || signal?.aborted || (err instanceof EncoderError && err.kind === 'aborted')) throw encoderAborted()
    throw new EncoderError(
      'download',
      `The download of the model "${source.id}" stopped half way (${source.url}). Nothing was kept; try again.`,
    )
  }
  if (total !== null && bytes.byteLength < total)
    throw new EncoderError(
      'download',
      `The download of the model "${source.id}" stopped half way: ${mb(bytes.byteLength)} of ${mb(total)} arrived. Nothing was kept; try again.`,
    )
  if (source.sha256 !== null) {
    const actual = await sha256Hex(bytes)
    if (actual !== source.sha256.toLowerCase())
      throw new EncoderError(
        'checksum',
        `The file downloaded for the model "${source.id}" is not the one its manifest names (SHA-256 ${actual.slice(0, 12)}…, expected ${source.sha256.slice(0, 12)}…). It was replaced or damaged on the way, so it was not used or kept. Try again; if it keeps happening, the published file changed and the manifest needs its new checksum.`,
      )
  } else if (source.bytes !== null && bytes.byteLength !== source.bytes) {
    throw new EncoderError(
      'checksum',
      `The file downloaded for the model "${source.id}" has ${bytes.byteLength} bytes, but its manifest says ${source.bytes}. It was not used or kept; check the model's URL.`,
    )
  }
  if (signal?.aborted) throw encoderAborted()

  let cached = false
  if (box) {
    // A full disk or quota refuses the entry: the model still runs, it is just downloaded again
    // next time. (The Response copies the bytes, so the caller may transfer them.)
    cached = await box
      .put(key, new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength) } }))
      .then(() => true)
      .catch(() => false)
  }
  return { bytes, fromCache: false, cached }
}
