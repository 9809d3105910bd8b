// A remote file as hyparquet's AsyncBuffer: every slice is one HTTP Range request, so reading a
// Parquet file fetches its footer and the projected column chunks, not the whole file.
// Every failure becomes a DatasetError worded for the person using the app; the browser can't
// tell CORS refusals from being offline, so those share one 'network' message.

import type { AsyncBuffer } from 'hyparquet'
import { DatasetError } from '../errors.ts'

export interface RangeBufferOptions {
  signal?: AbortSignal
  /** Cumulative body bytes received (all requests), and the file size once known. */
  onBytes?: (bytesRead: number, totalBytes: number | null) => void
  fetch?: typeof fetch
  /** Name used in messages; defaults to fileNameFromUrl(url). */
  fileName?: string
}

export interface RangeBuffer extends AsyncBuffer {
  slice(start: number, end?: number): Promise<ArrayBuffer>
  /** Body bytes received so far, over all requests. */
  bytesRead(): number
  /** Requests made so far (HEAD included). */
  requests(): number
}

/** Last path segment of a URL, percent-decoded, without query or fragment. */
export function fileNameFromUrl(url: string): string {
  const path = url.replace(/[?#].*$/, '')
  const segments = path.split('/').filter((s) => s !== '')
  const last = segments[segments.length - 1] ?? url
  try {
    return decodeURIComponent(last)
  } catch {
    return last
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  410: 'Gone',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

function httpError(res: Response, fileName: string): DatasetError {
  const { status } = res
  // HTTP/2 has no reason phrase, so statusText is often empty.
  const text = res.statusText || STATUS_TEXT[status] || ''
  const named = text ? `${status} ${text}` : String(status)
  let message: string
  if (status === 404 || status === 410) {
    message = `The server answered ${named} for ${fileName}. Check that the link is right.`
  } else if (status === 401 || status === 403) {
    message = `The server refused access to ${fileName} (${named}). The file may be private.`
  } else if (status === 416) {
    message = `The server couldn't send the part of ${fileName} that was asked for (${named}). The file may have changed while it was being read.`
  } else if (status === 429) {
    message = `The server is getting too many requests for ${fileName} (${named}). Try again later.`
  } else if (status >= 500) {
    message = `The server had an error (${status}) while sending ${fileName}. Try again later.`
  } else {
    message = `The server answered ${named} for ${fileName}.`
  }
  return new DatasetError('http', fileName, message, status)
}

function abortedError(fileName: string): DatasetError {
  return new DatasetError('aborted', fileName, `Reading ${fileName} was cancelled.`)
}

function networkError(fileName: string): DatasetError {
  return new DatasetError(
    'network',
    fileName,
    `Couldn't reach ${fileName}. The server may not allow browser access (CORS), or you may be offline.`,
  )
}

/** "bytes 0-0/1234" → {start 0, end 0, size 1234}; size null for "/*"; null when unreadable. */
function parseContentRange(header: string | null): { start: number; end: number; size: number | null } | null {
  if (!header) return null
  const m = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(header.trim())
  if (!m) return null
  const size = m[3] === '*' || m[3] === undefined ? null : Number(m[3])
  if (m[1] === undefined || m[2] === undefined) return { start: -1, end: -1, size }
  return { start: Number(m[1]), end: Number(m[2]), size }
}

function contentLength(res: Response): number | null {
  const v = res.headers.get('Content-Length')
  if (v === null || !/^\d+$/.test(v.trim())) return null
  return Number(v)
}

// Small slices (footer, dictionary pages, small column chunks) are kept so a later slice that
// falls inside one is answered without a request; hyparquet's first 512 KB tail read often
// covers several small column chunks. Big slices aren't kept: they'd double the memory of a read.
const CACHE_MAX_SLICE = 1 << 20
const CACHE_MAX_ENTRIES = 8

interface CachedRange {
  start: number
  bytes: Uint8Array
}

/**
 * Opens a remote file for ranged reading. Learns its size first: HEAD, or when HEAD fails or
 * has no Content-Length (some servers and presigned links), a one-byte Range GET.
 */
export async function openRangeBuffer(url: string, opts: RangeBufferOptions = {}): Promise<RangeBuffer> {
  const { signal, onBytes } = opts
  const fileName = opts.fileName ?? fileNameFromUrl(url)
  // Calling the global fetch unbound throws "Illegal invocation" in some browsers.
  const doFetch: typeof fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init))

  let bytesRead = 0
  let requests = 0
  let size: number | null = null
  /** The whole file, once a server has sent it in one 200 answer. */
  let whole: Uint8Array | null = null
  const cache: CachedRange[] = []

  function checkAborted(): void {
    if (signal?.aborted) throw abortedError(fileName)
  }

  async function request(method: 'GET' | 'HEAD', range: string | null): Promise<Response> {
    checkAborted()
    requests++
    const headers: Record<string, string> = {}
    if (range !== null) headers.Range = range
    try {
      return await doFetch(url, { method, headers, signal: signal ?? null })
    } catch (err) {
      if (signal?.aborted) throw abortedError(fileName)
      if (err instanceof DatasetError) throw err
      throw networkError(fileName)
    }
  }

  /**
   * Reads a body, counting bytes as they arrive so progress moves during a big column chunk.
   * `expected` preallocates when the length is known.
   */
  async function readBody(res: Response, expected: number | null): Promise<Uint8Array> {
    const reader = res.body?.getReader()
    if (!reader) {
      let buf: ArrayBuffer
      try {
        buf = await res.arrayBuffer()
      } catch {
        if (signal?.aborted) throw abortedError(fileName)
        throw brokenOff(0, expected)
      }
      bytesRead += buf.byteLength
      onBytes?.(bytesRead, size)
      return new Uint8Array(buf)
    }
    const chunks: Uint8Array[] = []
    let received = 0
    let target = expected !== null ? new Uint8Array(expected) : null
    for (;;) {
      let part: ReadableStreamReadResult<Uint8Array>
      try {
        part = await reader.read()
      } catch {
        if (signal?.aborted) throw abortedError(fileName)
        throw brokenOff(received, expected)
      }
      if (part.done) break
      const chunk = part.value
      if (target && received + chunk.length <= target.length) {
        target.set(chunk, received)
      } else {
        if (target) {
          // More than announced: fall back to collecting chunks.
          chunks.push(target.subarray(0, received))
          target = null
        }
        chunks.push(chunk)
      }
      received += chunk.length
      bytesRead += chunk.length
      onBytes?.(bytesRead, size)
    }
    if (target) return received === target.length ? target : target.subarray(0, received)
    const out = new Uint8Array(received)
    let at = 0
    for (const c of chunks) {
      out.set(c, at)
      at += c.length
    }
    return out
  }

  function brokenOff(received: number, expected: number | null): DatasetError {
    const of = expected !== null ? ` of ${expected}` : ''
    return new DatasetError(
      'truncated',
      fileName,
      `The download of ${fileName} broke off after ${received}${of} bytes. Check your connection and try again.`,
    )
  }

  function shortBody(got: number, wanted: number): DatasetError {
    return new DatasetError(
      'truncated',
      fileName,
      `The server sent ${got} bytes of ${fileName} where ${wanted} were expected; the file may be incomplete or have changed.`,
    )
  }

  function toArrayBuffer(bytes: Uint8Array, start: number, end: number): ArrayBuffer {
    // slice() copies, so the caller can't alias (or detach) the cached bytes.
    return bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end) as ArrayBuffer
  }

  function acceptWhole(body: Uint8Array): void {
    whole = body
    size = body.length
    cache.length = 0
  }

  // --- size ---
  let headRes: Response | null = null
  try {
    headRes = await request('HEAD', null)
  } catch (err) {
    // Some servers or proxies drop HEAD; the GET below says what is really wrong.
    if (err instanceof DatasetError && err.code === 'aborted') throw err
  }
  const headLength = headRes?.ok ? contentLength(headRes) : null
  // A compressed HEAD length isn't the byte length ranges address.
  const encoded = headRes?.headers.get('Content-Encoding')
  if (headLength !== null && (!encoded || encoded === 'identity')) {
    size = headLength
  } else {
    const res = await request('GET', 'bytes=0-0')
    if (res.status === 206) {
      const cr = parseContentRange(res.headers.get('Content-Range'))
      const body = await readBody(res, 1)
      if (cr?.size != null) {
        size = cr.size
        if (body.length >= 1) cache.push({ start: 0, bytes: body.subarray(0, 1) })
      } else {
        // Content-Range isn't readable (not exposed to CORS, or "/*"): take the whole file.
        const full = await request('GET', null)
        if (!full.ok) throw httpError(full, fileName)
        acceptWhole(await readBody(full, contentLength(full)))
      }
    } else if (res.status === 200) {
      // The server ignores ranges: this body is the whole file.
      acceptWhole(await readBody(res, contentLength(res)))
    } else if (res.status === 416) {
      // "bytes=0-0" is unsatisfiable only for an empty file.
      const cr = parseContentRange(res.headers.get('Content-Range'))
      await res.body?.cancel().catch(() => {})
      if (cr?.size === 0 || cr === null) size = 0
      else throw httpError(res, fileName)
    } else {
      await res.body?.cancel().catch(() => {})
      throw httpError(res, fileName)
    }
  }
  if (size === 0) throw new DatasetError('empty', fileName, `${fileName} is empty (0 bytes).`)
  const byteLength = size ?? 0
  onBytes?.(bytesRead, byteLength)

  async function fetchRange(start: number, end: number): Promise<ArrayBuffer> {
    const want = end - start
    const res = await request('GET', `bytes=${start}-${end - 1}`)
    if (res.status === 206) {
      const cr = parseContentRange(res.headers.get('Content-Range'))
      // A server may widen the range it sends; find our bytes inside it.
      const offset = cr && cr.start >= 0 ? start - cr.start : 0
      if (offset < 0) {
        await res.body?.cancel().catch(() => {})
        throw shortBody(0, want)
      }
      const body = await readBody(res, cr && cr.start >= 0 ? cr.end - cr.start + 1 : want)
      if (body.length < offset + want) throw shortBody(Math.max(0, body.length - offset), want)
      if (want <= CACHE_MAX_SLICE && offset === 0 && body.length === want) {
        cache.push({ start, bytes: body })
        if (cache.length > CACHE_MAX_ENTRIES) cache.shift()
      }
      return toArrayBuffer(body, offset, offset + want)
    }
    if (res.status === 200) {
      const body = await readBody(res, contentLength(res))
      if (body.length < end) throw shortBody(body.length, byteLength)
      acceptWhole(body)
      return toArrayBuffer(body, start, end)
    }
    await res.body?.cancel().catch(() => {})
    throw httpError(res, fileName)
  }

  return {
    byteLength,
    bytesRead: () => bytesRead,
    requests: () => requests,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      checkAborted()
      const s = Math.max(0, Math.min(start, byteLength))
      const e = Math.max(s, Math.min(end ?? byteLength, byteLength))
      if (e === s) return new ArrayBuffer(0)
      if (whole) return toArrayBuffer(whole, s, e)
      for (const c of cache) {
        if (c.start <= s && c.start + c.bytes.length >= e) return toArrayBuffer(c.bytes, s - c.start, e - c.start)
      }
      // hyparquet reads the last 512 KB for the footer, then merges the column chunks it needs into
      // one request that usually ends inside that tail: fetch only the part before it.
      for (const c of cache) {
        if (c.start > s && c.start < e && c.start + c.bytes.length >= e) {
          const head = await fetchRange(s, c.start)
          const out = new Uint8Array(e - s)
          out.set(new Uint8Array(head), 0)
          out.set(c.bytes.subarray(0, e - c.start), c.start - s)
          return out.buffer
        }
      }
      return fetchRange(s, e)
    },
  }
}
