import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { serveFileWithRange } from '../../../scripts/lib/serve-range.mjs'
import { readEmbeddings } from '../geoparquet/read-embeddings.ts'
import type { EmbeddingTable } from '../geoparquet/types.ts'
import { fileNameFromUrl, openRangeBuffer } from './range-buffer.ts'
import { datasetErrorOf, startTestServer, type TestServer } from '../testing/http.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const fixturesDir = process.env.CHIPFINDER_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures')
const REAL_NAME = '03WVN_20220610_20220610_v001.gpq'
const REAL_FILE = path.join(fixturesDir, 'clay-v0', REAL_NAME)
const REAL_SIZE = statSync(REAL_FILE).size

interface Logged {
  path: string
  method: string
  range: string | undefined
  status: number
  /** Body bytes the server meant to send. */
  length: number
}

let server: TestServer
let base: string
let tmp: string
const seenRequests: { route: string; req: IncomingMessage; res: ServerResponse }[] = []

function record(req: IncomingMessage, res: ServerResponse, route: string): void {
  seenRequests.push({ route, req, res })
}

/**
 * The requests so far. Read when asked rather than on 'finish': a client can have the whole body
 * before the server's 'finish' event runs, but never before the status and headers were set.
 */
function requestLog(): Logged[] {
  return seenRequests.map(({ route, req, res }) => ({
    path: route,
    method: req.method ?? '',
    range: req.headers.range,
    status: res.statusCode,
    length: req.method === 'HEAD' ? 0 : Number(res.getHeader('Content-Length') ?? 0),
  }))
}

/** Routes: each one a kind of server the app meets in the wild. */
async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x')
  const [, kind = '', name = ''] = url.pathname.split('/')
  const file = name === REAL_NAME ? REAL_FILE : path.join(tmp, name)
  record(req, res, url.pathname)
  switch (kind) {
    case 'ok':
      return serveFileWithRange(req, res, file)
    case 'no-head':
      // Presigned links and some proxies refuse HEAD.
      if (req.method === 'HEAD') {
        res.statusCode = 405
        res.end()
        return
      }
      return serveFileWithRange(req, res, file)
    case 'full': {
      // A server that ignores Range and always sends the whole file.
      const size = statSync(file).size
      res.statusCode = 200
      res.setHeader('Content-Length', String(size))
      if (req.method === 'HEAD') {
        res.end()
        return
      }
      createReadStream(file).pipe(res)
      return
    }
    case 'cut': {
      // Announces the range, sends half of it, then drops the connection.
      if (req.method === 'HEAD' || !req.headers.range) return serveFileWithRange(req, res, file)
      const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range)
      const start = Number(m?.[1])
      const end = Number(m?.[2])
      const body = readFileSync(file).subarray(start, end + 1)
      res.writeHead(206, {
        'Content-Length': String(body.length),
        'Content-Range': `bytes ${start}-${end}/${statSync(file).size}`,
      })
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy())
      return
    }
    case 'status':
      res.statusCode = Number(name)
      res.end('no')
      return
    default:
      res.statusCode = 404
      res.end()
  }
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'chipfinder-range-'))
  writeFileSync(path.join(tmp, 'empty.parquet'), new Uint8Array(0))
  server = await startTestServer((req, res) => {
    void handle(req, res)
  })
  base = server.base
})

afterAll(async () => {
  await server.close()
  rmSync(tmp, { recursive: true, force: true })
})

beforeEach(() => {
  seenRequests.length = 0
})

function sameTable(a: EmbeddingTable, b: EmbeddingTable): void {
  expect(a.summary).toEqual(b.summary)
  expect(a.ids).toEqual(b.ids)
  expect(a.dates).toEqual(b.dates)
  expect(Buffer.from(a.embeddings.buffer).equals(Buffer.from(b.embeddings.buffer))).toBe(true)
  expect(Buffer.from(a.ringCoords.buffer).equals(Buffer.from(b.ringCoords.buffer))).toBe(true)
  expect(Array.from(a.ringStarts)).toEqual(Array.from(b.ringStarts))
}

describe('fileNameFromUrl', () => {
  it('takes the decoded last segment without query or fragment', () => {
    expect(fileNameFromUrl('https://data.source.coop/clay/v0/03WVN_20220610_20220610_v001.gpq')).toBe(REAL_NAME)
    expect(fileNameFromUrl('https://h/a/my%20file.parquet?sig=abc#frag')).toBe('my file.parquet')
    expect(fileNameFromUrl('https://h/dir/')).toBe('dir')
    expect(fileNameFromUrl('https://h/bad%E0%A4%A.parquet')).toBe('bad%E0%A4%A.parquet')
  })
})

describe('reading the real file over HTTP ranges', () => {
  let local: EmbeddingTable

  beforeAll(async () => {
    const b = readFileSync(REAL_FILE)
    local = await readEmbeddings(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, { fileName: REAL_NAME })
  })

  it('gives the same table as a local read, without fetching much more than the file', async () => {
    const seen: [number, number | null][] = []
    const buffer = await openRangeBuffer(`${base}/ok/${REAL_NAME}`, { onBytes: (read, total) => seen.push([read, total]) })
    expect(buffer.byteLength).toBe(REAL_SIZE)
    const table = await readEmbeddings(buffer, { fileName: REAL_NAME, bytesRead: buffer.bytesRead })
    sameTable(table, local)
    const log = requestLog()

    expect(log[0]).toMatchObject({ method: 'HEAD', status: 200 })
    const gets = log.filter((l) => l.method === 'GET')
    expect(gets.every((g) => g.status === 206 && g.range !== undefined)).toBe(true)
    const served = gets.reduce((n, g) => n + g.length, 0)
    expect(buffer.bytesRead()).toBe(served)
    expect(buffer.requests()).toBe(log.length)
    // The 512 KB footer read is reused for the end of the column chunks, and the unread `index`
    // column is never fetched: less than the whole file goes over the wire.
    expect(served).toBeLessThan(REAL_SIZE)
    expect(gets.length).toBeLessThanOrEqual(6)
    const [lastRead, lastTotal] = seen[seen.length - 1] ?? [0, null]
    expect(lastRead).toBe(served)
    expect(lastTotal).toBe(REAL_SIZE)
    expect(seen.every(([r], i) => i === 0 || r >= (seen[i - 1]?.[0] ?? 0))).toBe(true)
  })

  it('learns the size from a one-byte range when HEAD is refused', async () => {
    const buffer = await openRangeBuffer(`${base}/no-head/${REAL_NAME}`)
    expect(buffer.byteLength).toBe(REAL_SIZE)
    expect(requestLog().slice(0, 2).map((l) => [l.method, l.status, l.range])).toEqual([
      ['HEAD', 405, undefined],
      ['GET', 206, 'bytes=0-0'],
    ])
    sameTable(await readEmbeddings(buffer, { fileName: REAL_NAME }), local)
  })

  it('reads correctly from a server that ignores ranges, downloading the file once', async () => {
    const buffer = await openRangeBuffer(`${base}/full/${REAL_NAME}`)
    sameTable(await readEmbeddings(buffer, { fileName: REAL_NAME }), local)
    const gets = requestLog().filter((l) => l.method === 'GET')
    expect(gets.length).toBe(1)
    expect(buffer.bytesRead()).toBe(REAL_SIZE)
  })

  it('says truncated (or network) when the server drops the connection mid-body', async () => {
    const buffer = await openRangeBuffer(`${base}/cut/${REAL_NAME}`)
    const err = await datasetErrorOf(readEmbeddings(buffer, { fileName: REAL_NAME }))
    expect(['truncated', 'network']).toContain(err.code)
    expect(err.message).toContain(REAL_NAME)
  })

  it('stops with aborted when the signal fires during a download', async () => {
    const ctrl = new AbortController()
    const buffer = await openRangeBuffer(`${base}/ok/${REAL_NAME}`, {
      signal: ctrl.signal,
      onBytes: (read) => {
        if (read > 1000) ctrl.abort()
      },
    })
    const err = await datasetErrorOf(readEmbeddings(buffer, { fileName: REAL_NAME, signal: ctrl.signal }))
    expect(err.code).toBe('aborted')
  })
})

describe('openRangeBuffer errors', () => {
  it('404 gives an http error naming the status and the file', async () => {
    const err = await datasetErrorOf(openRangeBuffer(`${base}/ok/missing.parquet`))
    expect(err.code).toBe('http')
    expect(err.status).toBe(404)
    expect(err.message).toBe('The server answered 404 Not Found for missing.parquet. Check that the link is right.')
  })

  it('403 and 500 get their own advice', async () => {
    const forbidden = await datasetErrorOf(openRangeBuffer(`${base}/status/403`, { fileName: 'private.parquet' }))
    expect(forbidden).toMatchObject({ code: 'http', status: 403, fileName: 'private.parquet' })
    expect(forbidden.message).toMatch(/refused access to private\.parquet \(403 Forbidden\).*private/)
    const broken = await datasetErrorOf(openRangeBuffer(`${base}/status/500`, { fileName: 'x.parquet' }))
    expect(broken).toMatchObject({ code: 'http', status: 500 })
    expect(broken.message).toMatch(/had an error \(500\).*try again later/i)
  })

  it('an empty file is empty, whether HEAD works or not', async () => {
    for (const kind of ['ok', 'no-head']) {
      const err = await datasetErrorOf(openRangeBuffer(`${base}/${kind}/empty.parquet`))
      expect(err.code, kind).toBe('empty')
      expect(err.message).toBe('empty.parquet is empty (0 bytes).')
    }
  })

  it('no server at all is a network error', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const err = await datasetErrorOf(openRangeBuffer(`http://127.0.0.1:${port}/x.parquet`))
    expect(err.code).toBe('network')
    expect(err.message).toMatch(/^Couldn't reach x\.parquet\. .*CORS/)
  })

  it('an already aborted signal makes no request', async () => {
    const ctrl = new AbortController()
    ctrl.abort()
    const err = await datasetErrorOf(openRangeBuffer(`${base}/ok/${REAL_NAME}`, { signal: ctrl.signal }))
    expect(err.code).toBe('aborted')
    expect(requestLog()).toEqual([])
  })
})

describe('openRangeBuffer with odd servers (injected fetch)', () => {
  const file = Uint8Array.from({ length: 100 }, (_, i) => i)

  /** A fetch that answers from `file` through the given handler. */
  function fakeFetch(handler: (method: string, range: [number, number] | null) => Response): typeof fetch {
    return async (_input, init) => {
      const range = new Headers(init?.headers).get('Range')
      const m = range ? /bytes=(\d+)-(\d+)/.exec(range) : null
      return handler(init?.method ?? 'GET', m ? [Number(m[1]), Number(m[2])] : null)
    }
  }

  it('finds its bytes inside a wider range than it asked for', async () => {
    const f = fakeFetch((method, range) => {
      if (method === 'HEAD') return new Response(null, { headers: { 'Content-Length': '100' } })
      const start = Math.max(0, (range?.[0] ?? 0) - 10)
      return new Response(file.slice(start, 100), { status: 206, headers: { 'Content-Range': `bytes ${start}-99/100` } })
    })
    const buffer = await openRangeBuffer('https://h/f.bin', { fetch: f })
    expect(Array.from(new Uint8Array(await buffer.slice(40, 43)))).toEqual([40, 41, 42])
  })

  it('says truncated when a 206 body is shorter than asked', async () => {
    const f = fakeFetch((method, range) => {
      if (method === 'HEAD') return new Response(null, { headers: { 'Content-Length': '100' } })
      const [s = 0] = range ?? []
      return new Response(file.slice(s, s + 2), { status: 206, headers: { 'Content-Range': `bytes ${s}-${s + 1}/100` } })
    })
    const buffer = await openRangeBuffer('https://h/short.bin', { fetch: f })
    const err = await datasetErrorOf(buffer.slice(10, 20))
    expect(err.code).toBe('truncated')
    expect(err.message).toContain('short.bin')
  })

  it('downloads the whole file when Content-Range is hidden (not exposed to CORS)', async () => {
    let gets = 0
    const f = fakeFetch((method, range) => {
      if (method === 'HEAD') return new Response(null, { status: 403 })
      gets++
      if (range) return new Response(file.slice(range[0], range[1] + 1), { status: 206 })
      return new Response(file, { status: 200 })
    })
    const buffer = await openRangeBuffer('https://h/hidden.bin', { fetch: f })
    expect(buffer.byteLength).toBe(100)
    expect(Array.from(new Uint8Array(await buffer.slice(97)))).toEqual([97, 98, 99])
    expect(gets).toBe(2)
  })

  it('serves slices inside an earlier small slice from memory', async () => {
    let gets = 0
    const f = fakeFetch((method, range) => {
      if (method === 'HEAD') return new Response(null, { headers: { 'Content-Length': '100' } })
      gets++
      const [s = 0, e = 99] = range ?? []
      return new Response(file.slice(s, e + 1), { status: 206, headers: { 'Content-Range': `bytes ${s}-${e}/100` } })
    })
    const buffer = await openRangeBuffer('https://h/c.bin', { fetch: f })
    await buffer.slice(50, 100)
    expect(Array.from(new Uint8Array(await buffer.slice(60, 62)))).toEqual([60, 61])
    expect(gets).toBe(1)
  })
})
