// The search worker's real handlers and dispatch, run in-process through the same client the
// UI uses, against the real Clay v0 sample served over local HTTP with range requests.
import { createServer, type Server } from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveFileWithRange } from '../../scripts/lib/serve-range.mjs'
import { createInProcessSearchClient, SearchError } from './client.ts'
import { readFile } from 'node:fs/promises'
import { readEmbeddings } from '../../app/lib/geoparquet/read-embeddings.ts'

const FIXTURES = process.env.CHIPFINDER_FIXTURES ?? path.resolve(import.meta.dirname, '../../../shared/fixtures')
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

describe('search worker handlers', () => {
  it('loads the real sample over HTTP, reports progress, and ranks like a float64 reference', async () => {
    const client = createInProcessSearchClient()
    const progress: number[] = []
    requests = 0
    const loaded = await client.load({ source: { kind: 'url', url: `${base}/sample.gpq` } }, { onProgress: (p) => progress.push(p.bytesRead) })
    expect(loaded.summary).toMatchObject({ count: 417, dims: 768, modelLabel: 'Clay v0', dates: ['2022-06-10'] })
    expect(loaded.chips.ids[0]).toMatch(/^03WVN_20220610_\d{4}$/)
    expect(loaded.chips.ringStarts).toHaveLength(418)
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)).toBeLessThanOrEqual(1_831_543)
    expect(requests).toBeLessThan(20)

    const table = await readEmbeddings((await readFile(SAMPLE)).buffer as ArrayBuffer, { fileName: 'sample.gpq' })
    const pos = [loaded.chips.ids.indexOf('03WVN_20220610_0200'), 17]
    const neg = [loaded.chips.ids.indexOf('03WVN_20220610_0100')]
    const ranked = await client.rank({ datasetId: loaded.datasetId, positives: pos, negatives: neg, mode: 'centred' })
    const want = referenceScores(table.embeddings, 417, 768, pos, neg)
    let worst = 0
    for (let i = 0; i < 417; i++) worst = Math.max(worst, Math.abs(ranked!.scores[i]! - want[i]!))
    expect(worst).toBeLessThan(1e-5)
    const wantOrder = Array.from(want.keys()).sort((a, b) => want[b]! - want[a]! || a - b)
    // Equal up to float32 ties: every adjacent pair in our order is in float64 order or within 1e-6.
    ranked!.order.forEach((row, k) => {
      if (row !== wantOrder[k]) expect(Math.abs(want[row]! - want[wantOrder[k]!]!)).toBeLessThan(1e-6)
    })
    client.terminate()
  })

  it('a single positive scores itself 1 and comes first; no positive ranks nothing', async () => {
    const client = createInProcessSearchClient()
    const loaded = await client.load({ source: { kind: 'url', url: `${base}/sample.gpq` } })
    const r = await client.rank({ datasetId: loaded.datasetId, positives: [42], negatives: [], mode: 'centred' })
    expect(r!.order[0]).toBe(42)
    expect(r!.scores[42]).toBeCloseTo(1, 6)
    expect(await client.rank({ datasetId: loaded.datasetId, positives: [], negatives: [3], mode: 'centred' })).toBeNull()
    // A rank for a dataset that is no longer loaded answers nothing rather than the wrong data.
    expect(await client.rank({ datasetId: loaded.datasetId + 1, positives: [1], negatives: [], mode: 'raw' })).toBeNull()
    client.terminate()
  })

  it('a failed load reports a typed error and keeps the dataset already loaded', async () => {
    const client = createInProcessSearchClient()
    const loaded = await client.load({ source: { kind: 'url', url: `${base}/sample.gpq` } })
    const err = await client.load({ source: { kind: 'url', url: `${base}/missing.parquet` } }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SearchError)
    expect((err as SearchError).code).toBe('http')
    expect((err as SearchError).message).toContain('missing.parquet')
    const r = await client.rank({ datasetId: loaded.datasetId, positives: [0], negatives: [], mode: 'raw' })
    expect(r!.scores).toHaveLength(417)
    client.terminate()
  })

  it('a cancelled load rejects with an abort and leaves nothing half-loaded', async () => {
    const client = createInProcessSearchClient()
    const controller = new AbortController()
    const p = client.load({ source: { kind: 'url', url: `${base}/sample.gpq` } }, { signal: controller.signal })
    controller.abort()
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
    expect(await client.rank({ datasetId: 1, positives: [0], negatives: [], mode: 'raw' })).toBeNull()
    client.terminate()
  })

  it('opens a local file the same way as a URL', async () => {
    const client = createInProcessSearchClient()
    const bytes = await readFile(SAMPLE)
    const loaded = await client.load({ source: { kind: 'file', file: new Blob([bytes]), fileName: 'mine.gpq' } })
    expect(loaded.summary.count).toBe(417)
    expect(loaded.summary.fileName).toBe('mine.gpq')
    client.terminate()
  })
})
