// The decode and search workers' real handlers and dispatch, run in-process through the same
// clients the UI uses, against the real Clay v0 sample served over local HTTP with range requests.
import { createServer, type Server } from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveFileWithRange } from '../scripts/lib/serve-range.mjs'
import { createInProcessSearchClient, type SearchClient } from './search/client.ts'
import { createSearchHandlers } from './search/handlers.ts'
import { transferSearchParams, transferSearchResult, type RankParams, type SearchProtocol } from './search/protocol.ts'
import { createInProcessDecodePool } from './decode/pool.ts'
import { WorkerError } from '../app/lib/errors.ts'
import { inProcessClient } from './rpc/rpc.ts'
import { referenceScores as exactReference, referenceTop } from '../app/lib/testing/rank-data.ts'
import { readFile } from 'node:fs/promises'
import { readEmbeddings } from '../app/lib/geoparquet/read-embeddings.ts'

const FIXTURES = process.env.CHIPFINDER_FIXTURES ?? path.resolve(import.meta.dirname, '../../shared/fixtures')
const SAMPLE = path.join(FIXTURES, 'clay-v0/03WVN_20220610_20220610_v001.gpq')

let server: Server
let base = ''
let requests = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++
    if (req.url === '/sample.gpq') void serveFileWithRange(req, res, SAMPLE)
    else {
      res.statusCode = 404
      res.end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  if (addr === null || typeof addr === 'string') throw new Error('no port')
  base = `http://127.0.0.1:${addr.port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

/** float64 reference on the real vectors, written the long way round. */
function referenceScores(emb: Float32Array, n: number, d: number, pos: number[], neg: number[]): Float64Array {
  const mu = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j]! += emb[i * d + j]! / n
  const centred = (i: number) => Float64Array.from({ length: d }, (_, j) => emb[i * d + j]! - mu[j]!)
  const mean = (rows: number[]) => {
    const out = new Float64Array(d)
    for (const r of rows) centred(r).forEach((v, j) => (out[j]! += v / rows.length))
    return out
  }
  const p = mean(pos)
  const q = neg.length ? p.map((v, j) => 2 * v - mean(neg)[j]!) : p
  const qn = Math.hypot(...q)
  return Float64Array.from({ length: n }, (_, i) => {
    const x = centred(i)
    let dot = 0
    for (let j = 0; j < d; j++) dot += x[j]! * q[j]!
    return dot / (Math.hypot(...x) * qn)
  })
}

/** Decode a URL in the decode pool and hand it to the search worker, as the app does. */
async function loadUrl(search: SearchClient, url: string, epoch = 1) {
  const pool = createInProcessDecodePool(1)
  const progress: number[] = []
  const decoded = await pool.decode({ kind: 'url', url }, { onProgress: (p) => progress.push(p.bytesRead) })
  pool.terminate()
  await search.call('reset', { epoch })
  const { total } = await search.call('addSegment', { epoch, embeddings: decoded.embeddings, count: decoded.summary.count, dims: decoded.summary.dims })
  return { decoded, total, progress }
}

describe('decode and search workers', () => {
  it('decode the real sample over HTTP, report progress, and rank like a float64 reference', async () => {
    const search = createInProcessSearchClient()
    requests = 0
    const { decoded, total, progress } = await loadUrl(search, `${base}/sample.gpq`)
    expect(total).toBe(417)
    expect(decoded.summary).toMatchObject({ count: 417, dims: 768, modelLabel: 'Clay v0', dates: ['2022-06-10'] })
    expect(decoded.chips.ids[0]).toMatch(/^03WVN_20220610_\d{4}$/)
    expect(decoded.chips.ringStarts).toHaveLength(418)
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)).toBeLessThanOrEqual(1_831_543)
    expect(requests).toBeLessThan(20)

    const table = await readEmbeddings((await readFile(SAMPLE)).buffer as ArrayBuffer, { fileName: 'sample.gpq' })
    const pos = [decoded.chips.ids.indexOf('03WVN_20220610_0200'), 17]
    const neg = [decoded.chips.ids.indexOf('03WVN_20220610_0100')]
    const ranked = await search.call('rank', { epoch: 1, positives: pos, negatives: neg, mode: 'centred', method: 'mean', precision: 'exact', topK: 1000, suggest: 0 })
    const want = referenceScores(table.embeddings, 417, 768, pos, neg)
    let worst = 0
    for (let i = 0; i < 417; i++) worst = Math.max(worst, Math.abs(ranked!.scores[i]! - want[i]!))
    expect(worst).toBeLessThan(1e-5)
    // The top rows are exactly a float64 reference's (scores rounded to float32, ties by row).
    const exact = referenceTop(exactReference({ data: table.embeddings, count: 417, dims: 768 }, true, { method: 'mean', positives: pos, negatives: neg }), 417)
    expect(Array.from(ranked!.top)).toEqual(exact.rows)
    expect(Array.from(ranked!.top, (r) => ranked!.scores[r])).toEqual(exact.scores)
    expect(ranked!.range).toEqual([-1, 1])
    expect(ranked!.stats).toMatchObject({ kernel: 'wasm-simd', precision: 'exact', rescored: 0 })
    expect(ranked!.stats.ms).toBeGreaterThan(0)
    search.terminate()
  })

  it('a single positive scores itself 1 and comes first; no positive ranks nothing; a stale epoch answers nothing', async () => {
    const search = createInProcessSearchClient()
    await loadUrl(search, `${base}/sample.gpq`, 7)
    const r = await search.call('rank', { epoch: 7, positives: [42], negatives: [], mode: 'centred', method: 'mean', precision: 'exact', topK: 1000, suggest: 0 })
    expect(r!.top[0]).toBe(42)
    expect(r!.scores[42]).toBeCloseTo(1, 6)
    expect(await search.call('rank', { epoch: 7, positives: [], negatives: [3], mode: 'centred', method: 'mean', precision: 'exact', topK: 1000, suggest: 0 })).toBeNull()
    expect(await search.call('rank', { epoch: 6, positives: [1], negatives: [], mode: 'raw', method: 'mean', precision: 'exact', topK: 1000, suggest: 0 })).toBeNull()
    search.terminate()
  })

  it('every method and precision through the client: ranges, top K, suggestions, stats', async () => {
    const search = createInProcessSearchClient()
    await loadUrl(search, `${base}/sample.gpq`, 3)
    const params: RankParams = { epoch: 3, positives: [200, 17], negatives: [], mode: 'centred', method: 'mean', precision: 'exact', topK: 50, suggest: 0 }
    const max = await search.call('rank', { ...params, method: 'max', negatives: [100] })
    expect(max).toMatchObject({ method: 'max', range: [-1, 1], stats: { precision: 'exact' } })
    expect(max!.top).toHaveLength(50)
    const clf = await search.call('rank', { ...params, method: 'classifier', suggest: 12 })
    expect(clf).toMatchObject({ method: 'classifier', range: [0, 1] })
    expect(clf!.suggestions).toHaveLength(12)
    for (const row of clf!.suggestions) expect([200, 17]).not.toContain(row)
    expect(Math.min(...clf!.scores)).toBeGreaterThanOrEqual(0)
    for (const precision of ['int8', 'binary'] as const) {
      const r = await search.call('rank', { ...params, precision })
      expect(r!.stats.precision).toBe(precision)
      expect(r!.stats.rescored).toBeGreaterThan(0)
      expect(Array.from(r!.top)).toEqual(Array.from((await search.call('rank', params))!.top))
    }
    search.terminate()
  })

  it('the plain JS kernels rank like the WebAssembly ones; two segments rank like one', async () => {
    const table = await readEmbeddings((await readFile(SAMPLE)).buffer as ArrayBuffer, { fileName: 'sample.gpq' })
    const clients = [
      createInProcessSearchClient(),
      inProcessClient<SearchProtocol>(createSearchHandlers({ kernel: 'js' }), transferSearchParams, transferSearchResult),
    ]
    const tops: number[][] = []
    for (const [k, search] of clients.entries()) {
      await search.call('reset', { epoch: 1 })
      for (const [from, to] of [
        [0, 200],
        [200, 417],
        [0, 417],
      ] as const)
        await search.call('addSegment', { epoch: 1, embeddings: table.embeddings.slice(from * 768, to * 768), count: to - from, dims: 768 })
      const r = await search.call('rank', { epoch: 1, positives: [5, 422], negatives: [], mode: 'centred', method: 'mean', precision: 'exact', topK: 834, suggest: 0 })
      expect(r!.stats.kernel).toBe(k === 0 ? 'wasm-simd' : 'js')
      // Rows 0–416 and 417–833 are the same chips: every score twice, the lower row first.
      expect(Array.from(r!.scores.subarray(0, 417))).toEqual(Array.from(r!.scores.subarray(417)))
      expect(r!.top[0]).toBe(5)
      expect(r!.top[1]).toBe(422)
      tops.push(Array.from(r!.top))
      search.terminate()
    }
    expect(tops[1]).toEqual(tops[0])
  })

  it('a segment for an older dataset is refused', async () => {
    const search = createInProcessSearchClient()
    await search.call('reset', { epoch: 2 })
    const err = await search.call('addSegment', { epoch: 1, embeddings: new Float32Array(4), count: 1, dims: 4 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WorkerError)
    expect((err as WorkerError).code).toBe('aborted')
    search.terminate()
  })

  it('a missing file is a typed error naming the file', async () => {
    const pool = createInProcessDecodePool(1)
    const err = await pool.decode({ kind: 'url', url: `${base}/missing.parquet` }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WorkerError)
    expect((err as WorkerError).code).toBe('http')
    expect((err as WorkerError).message).toContain('missing.parquet')
    pool.terminate()
  })

  it('a cancelled decode rejects with an abort, queued or running', async () => {
    const pool = createInProcessDecodePool(1)
    const a = new AbortController()
    const b = new AbortController()
    const running = pool.decode({ kind: 'url', url: `${base}/sample.gpq` }, { signal: a.signal })
    const queued = pool.decode({ kind: 'url', url: `${base}/sample.gpq` }, { signal: b.signal })
    expect(pool.pending).toBe(2)
    b.abort()
    a.abort()
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' })
    await expect(running).rejects.toMatchObject({ name: 'AbortError' })
    pool.terminate()
  })

  it('decodes a local file the same way as a URL', async () => {
    const pool = createInProcessDecodePool(1)
    const bytes = await readFile(SAMPLE)
    const decoded = await pool.decode({ kind: 'file', file: new Blob([bytes]), fileName: 'mine.gpq' })
    expect(decoded.summary.count).toBe(417)
    expect(decoded.summary.fileName).toBe('mine.gpq')
    expect(decoded.embeddings).toHaveLength(417 * 768)
    pool.terminate()
  })
})
