import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { readEmbeddings } from '../geoparquet/read-embeddings.ts'
import { mulberry32 } from '../../../scripts/lib/prng.mjs'
import { SearchIndex, type RankRequest } from './index.ts'
import { plantedClusters, recall, referenceScores, referenceTop, type Dense, type Reference } from '../testing/rank-data.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const fixturesDir = process.env.CHIPFINDER_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures')
const SAMPLE = path.join(fixturesDir, 'clay-v0', '03WVN_20220610_20220610_v001.gpq')

const KERNELS = ['wasm-simd', 'js'] as const

function indexOf(m: Dense, kernel: (typeof KERNELS)[number], parts: number[] = [m.count], blockBytes?: number): SearchIndex {
  const index = new SearchIndex(m.dims, { kernel, blockBytes })
  let from = 0
  for (const n of parts) {
    index.addSegment(m.data.slice(from * m.dims, (from + n) * m.dims), n)
    from += n
  }
  return index
}

function request(r: Partial<RankRequest> & Pick<RankRequest, 'positives'>): RankRequest {
  return { negatives: [], mode: 'centred', method: 'mean', precision: 'exact', topK: 100, suggest: 0, ...r }
}

/** The outcome's top K and scores against a float64 reference: top identical, every score close. */
function expectMatchesReference(m: Dense, req: RankRequest, ref: Reference) {
  return (out: NonNullable<ReturnType<SearchIndex['rank']>>) => {
    const want = referenceScores(m, req.mode === 'centred', ref)
    const top = referenceTop(want, req.topK)
    expect(Array.from(out.top)).toEqual(top.rows)
    expect(Array.from(out.top, (r) => out.scores[r]!)).toEqual(top.scores)
    let worst = 0
    for (let i = 0; i < m.count; i++) worst = Math.max(worst, Math.abs(out.scores[i]! - want[i]!))
    expect(worst).toBeLessThan(1e-5)
  }
}

const planted = plantedClusters(2000, 96, { clusters: 4, size: 120, seed: 11 })
const [c0, c1] = [planted.members[0]!, planted.members[1]!]

let sample: Dense
beforeAll(async () => {
  const bytes = readFileSync(SAMPLE)
  const table = await readEmbeddings(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, { fileName: 'sample.gpq' })
  sample = { data: table.embeddings, count: 417, dims: 768 }
})

describe.each(KERNELS)('%s kernels', (kernel) => {
  it('top K identical to a float64 reference, every method and mode, with and without negatives', () => {
    const index = indexOf(planted, kernel)
    expect(index.kernel).toBe(kernel)
    for (const mode of ['centred', 'raw'] as const) {
      for (const [positives, negatives] of [
        [[c0[0]!], []],
        [[c0[0]!, c0[5]!, c1[2]!], []],
        [[c0[0]!, c0[7]!], [c1[0]!, 17]],
      ] as [number[], number[]][]) {
        for (const method of ['mean', 'max'] as const) {
          const req = request({ positives, negatives, mode, method, topK: 150 })
          expectMatchesReference(planted, req, { method, positives, negatives })(index.rank(req)!)
        }
        const req = request({ positives, negatives, mode, method: 'classifier', topK: 150 })
        const out = index.rank(req)!
        expect(out.range).toEqual([0, 1])
        expectMatchesReference(planted, req, { method: 'linear', w: out.model!.w, b: out.model!.b })(out)
      }
    }
  })

  it('the real sample: every method against the float64 reference', () => {
    const index = indexOf(sample, kernel)
    const positives = [200, 17]
    const negatives = [100]
    for (const method of ['mean', 'max'] as const) {
      for (const mode of ['centred', 'raw'] as const) {
        const req = request({ positives, negatives, mode, method, topK: 417 })
        expectMatchesReference(sample, req, { method, positives, negatives })(index.rank(req)!)
      }
    }
    const req = request({ positives, negatives: [], method: 'classifier', topK: 417 })
    const out = index.rank(req)!
    expectMatchesReference(sample, req, { method: 'linear', w: out.model!.w, b: out.model!.b })(out)
  })

  it('breaks exact ties by row: planted duplicates score the same and rank in row order', () => {
    const m: Dense = { ...planted, data: planted.data.slice() }
    const copy = (from: number, to: number) => m.data.copyWithin(to * m.dims, from * m.dims, (from + 1) * m.dims)
    for (const to of [1500, 40, 900]) copy(c0[0]!, to)
    for (const to of [1999, 3, 64]) copy(c0[9]!, to)
    const index = indexOf(m, kernel)
    for (const method of ['mean', 'max', 'classifier'] as const) {
      const req = request({ positives: [c0[0]!], method, topK: 80 })
      const out = index.rank(req)!
      const ref: Reference = method === 'classifier' ? { method: 'linear', w: out.model!.w, b: out.model!.b } : { method, positives: [c0[0]!], negatives: [] }
      expectMatchesReference(m, req, ref)(out)
      const top = Array.from(out.top)
      const twins = [c0[0]!, 40, 900, 1500].sort((a, b) => a - b)
      const at = top.indexOf(twins[0]!)
      expect(top.slice(at, at + 4)).toEqual(twins)
      expect(new Set(twins.map((r) => out.scores[r]))).toHaveLength(1)
      const others = [3, 64, c0[9]!, 1999].sort((a, b) => a - b)
      const at2 = top.indexOf(others[0]!)
      expect(top.slice(at2, at2 + 4)).toEqual(others)
    }
  })

  it('ranks a dataset split into segments (and WebAssembly blocks) exactly like one segment', () => {
    const whole = indexOf(planted, kernel)
    const rowBytes = 128 * 4
    const parts = indexOf(planted, kernel, [70, 1, 529, 1400], 300 * rowBytes)
    expect(parts.store.segments.length).toBe(kernel === 'js' ? 4 : 9)
    for (const method of ['mean', 'max', 'classifier'] as const) {
      for (const mode of ['centred', 'raw'] as const) {
        const req = request({ positives: [c0[1]!, 70, 600], negatives: [c1[3]!], mode, method, topK: 200, suggest: 10 })
        const a = whole.rank(req)!
        const b = parts.rank(req)!
        expect(Array.from(b.scores)).toEqual(Array.from(a.scores))
        expect(Array.from(b.top)).toEqual(Array.from(a.top))
        expect(Array.from(b.suggestions)).toEqual(Array.from(a.suggestions))
      }
    }
  })

  it('updates the mean when rows arrive after a ranking', () => {
    const index = indexOf({ ...planted, count: 1000, data: planted.data.subarray(0, 1000 * 96) }, kernel)
    const before = index.rank(request({ positives: [3] }))!
    index.addSegment(planted.data.slice(1000 * 96), 1000)
    const after = index.rank(request({ positives: [3] }))!
    expect(Array.from(after.scores)).toEqual(Array.from(indexOf(planted, kernel).rank(request({ positives: [3] }))!.scores))
    expect(Array.from(after.scores.subarray(0, 1000))).not.toEqual(Array.from(before.scores))
  })

  it('zero-length rows and queries score 0; nothing to rank without a positive', () => {
    const m: Dense = { data: new Float32Array([1, 0, 0, 0, 0, 1, 2, 0]), count: 4, dims: 2 }
    const index = indexOf(m, kernel)
    const raw = index.rank(request({ positives: [0], mode: 'raw', topK: 4 }))!
    expect(Array.from(raw.scores)).toEqual([1, 0, 0, 1])
    expect(Array.from(raw.top)).toEqual([0, 3, 1, 2])
    // One positive and one negative that cancel: q = 2·x₀ − 2·x₀ = 0.
    const flat = index.rank(request({ positives: [0], negatives: [0], mode: 'raw', topK: 2 }))
    expect(flat).not.toBeNull()
    expect(index.rank(request({ positives: [], negatives: [1] }))).toBeNull()
    expect(index.rank(request({ positives: [99, -1, 0.5] }))).toBeNull()
    const zero = index.rank(request({ positives: [1], negatives: [], mode: 'raw', method: 'max', topK: 4 }))!
    expect(Array.from(zero.scores)).toEqual([0, 0, 0, 0])
  })
})

describe('the JavaScript fallback', () => {
  it('gives the WebAssembly kernels’ top K and exact scores', () => {
    const wasm = indexOf(planted, 'wasm-simd')
    const js = indexOf(planted, 'js')
    for (const method of ['mean', 'max', 'classifier'] as const) {
      const req = request({ positives: [c0[2]!, c0[3]!], negatives: [c1[1]!], method, topK: 300, suggest: 8 })
      const a = wasm.rank(req)!
      const b = js.rank(req)!
      expect(b.stats.kernel).toBe('js')
      expect(Array.from(b.top)).toEqual(Array.from(a.top))
      expect(Array.from(b.top, (r) => b.scores[r])).toEqual(Array.from(a.top, (r) => a.scores[r]))
      expect(Array.from(b.suggestions)).toEqual(Array.from(a.suggestions))
    }
  })

  it('scans exactly where compact codes are asked for, and says so', () => {
    const out = indexOf(planted, 'js').rank(request({ positives: [c0[0]!], precision: 'int8' }))!
    expect(out.stats).toMatchObject({ kernel: 'js', precision: 'exact', rescored: 0 })
  })
})

describe('compact scans', () => {
  it('int8: the exact top 100 on planted clusters and on the real sample (recall 1)', () => {
    for (const m of [planted, sample]) {
      const index = indexOf(m, 'wasm-simd')
      for (const method of ['mean', 'classifier'] as const) {
        const req = request({ positives: [c0[4]! % m.count], method, precision: 'int8' })
        const out = index.rank(req)!
        expect(out.stats.precision).toBe('int8')
        expect(out.stats.rescored).toBeGreaterThan(0)
        expect(out.stats.rescored).toBeLessThan(m.count)
        const ref: Reference = method === 'classifier' ? { method: 'linear', w: out.model!.w, b: out.model!.b } : { method, positives: req.positives as number[], negatives: [] }
        const want = referenceTop(referenceScores(m, true, ref), 100)
        expect(Array.from(out.top)).toEqual(want.rows)
      }
    }
  })

  it('binary: recall@100 ≥ 0.99 on planted clusters and on the real sample', () => {
    for (const [m, positives] of [
      [planted, [c0[4]!]],
      [planted, [c1[0]!, c1[8]!]],
      [sample, [200]],
    ] as [Dense, number[]][]) {
      const index = indexOf(m, 'wasm-simd')
      const out = index.rank(request({ positives, precision: 'binary' }))!
      expect(out.stats.precision).toBe('binary')
      const ref = referenceScores(m, true, { method: 'mean', positives, negatives: [] })
      expect(recall(out.top, referenceTop(ref, 100).rows)).toBeGreaterThanOrEqual(0.99)
      // What it returns in the top is exact.
      expect(Array.from(out.top, (row) => out.scores[row])).toEqual(Array.from(out.top, (row) => Math.fround(ref[row]!)))
    }
  })

  it('binary falls back to int8 in raw mode; max always scans exactly; auto is exact', () => {
    const index = indexOf(planted, 'wasm-simd')
    expect(index.rank(request({ positives: [1], mode: 'raw', precision: 'binary' }))!.stats.precision).toBe('int8')
    expect(index.rank(request({ positives: [1], method: 'max', precision: 'int8' }))!.stats.precision).toBe('exact')
    expect(index.rank(request({ positives: [1], precision: 'auto' }))!.stats.precision).toBe('exact')
  })
})

describe('classifier', () => {
  const big = plantedClusters(4000, 128, { clusters: 3, size: 150, seed: 23 })

  it('finds a planted cluster from five positives: precision@50 ≥ 0.9', () => {
    const index = indexOf(big, 'wasm-simd')
    const members = new Set(big.members[0])
    const out = index.rank(request({ positives: big.members[0]!.slice(0, 5), method: 'classifier', topK: 50 }))!
    expect(out.model!.converged).toBe(true)
    expect(Array.from(out.top).filter((r) => members.has(r)).length / 50).toBeGreaterThanOrEqual(0.9)
    for (const r of out.scores) expect(r >= 0 && r <= 1).toBe(true)
  })

  it('suggests the unlabelled rows nearest the decision boundary, least sure first', () => {
    const index = indexOf(big, 'wasm-simd')
    const positives = big.members[0]!.slice(0, 3)
    const negatives = [big.members[1]![0]!, 5]
    const out = index.rank(request({ positives, negatives, method: 'classifier', suggest: 12 }))!
    const p = referenceScores(big, true, { method: 'linear', w: out.model!.w, b: out.model!.b })
    const logit = (v: number) => Math.abs(Math.log(v / (1 - v)))
    const labelled = new Set([...positives, ...negatives])
    const unlabelled = Array.from(p.keys()).filter((r) => !labelled.has(r))
    const want = unlabelled.sort((a, b) => logit(p[a]!) - logit(p[b]!) || a - b).slice(0, 12)
    expect(Array.from(out.suggestions)).toEqual(want)
    // Nearer 0.5 than random unlabelled rows.
    const rand = mulberry32(3)
    const randomRows = Array.from({ length: 200 }, () => unlabelled[Math.floor(rand() * unlabelled.length)]!)
    const mean = (rows: number[]) => rows.reduce((s, r) => s + Math.abs(p[r]! - 0.5), 0) / rows.length
    expect(mean(Array.from(out.suggestions))).toBeLessThan(mean(randomRows) / 4)
  })

  it('draws the same background for the same search', () => {
    const index = indexOf(big, 'wasm-simd')
    const req = request({ positives: [7, 8], method: 'classifier' })
    expect(Array.from(index.rank(req)!.scores)).toEqual(Array.from(index.rank(req)!.scores))
  })
})

describe('query vectors (drawn areas)', () => {
  const rowVector = (m: Dense, r: number) => m.data.slice(r * m.dims, (r + 1) * m.dims)
  const same = (a: ReturnType<SearchIndex['rank']>, b: ReturnType<SearchIndex['rank']>) => {
    expect(Array.from(a!.top)).toEqual(Array.from(b!.top))
    expect(Array.from(a!.scores)).toEqual(Array.from(b!.scores))
  }

  it.each(KERNELS)('a vector equal to row r ranks exactly like row r, every method and mode (%s)', (kernel) => {
    const index = indexOf(planted, kernel, [700, 1300])
    const r = c0[3]!
    const v = rowVector(planted, r)
    for (const mode of ['centred', 'raw'] as const) {
      for (const method of ['mean', 'max', 'classifier'] as const) {
        // The classifier without negatives draws a background seeded by the positive rows, so
        // it is compared with negatives given (as rows, and as a vector too).
        const negatives = method === 'classifier' ? [c1[0]!, 17] : []
        same(index.rank(request({ positives: [], negatives, queries: [{ vector: v, label: 'positive' }], mode, method })), index.rank(request({ positives: [r], negatives, mode, method })))
        // Beside other examples: a positive row, and a negative given as a vector.
        const n = c1[4]!
        same(
          index.rank(request({ positives: [c0[9]!], negatives, queries: [{ vector: v, label: 'positive' }, { vector: rowVector(planted, n), label: 'negative' }], mode, method })),
          index.rank(request({ positives: [c0[9]!, r], negatives: [...negatives, n], mode, method })),
        )
      }
    }
  })

  it('ranks with only vectors and no rows; nothing without a positive', () => {
    const index = indexOf(planted, 'wasm-simd')
    const out = index.rank(request({ positives: [], queries: [{ vector: rowVector(planted, c0[0]!), label: 'positive' }], method: 'classifier' }))!
    expect(out.top[0]).toBe(c0[0])
    expect(index.rank(request({ positives: [], queries: [{ vector: rowVector(planted, 1), label: 'negative' }] }))).toBeNull()
  })

  it('refuses vectors of the wrong length or with non-numbers, saying why', () => {
    const index = indexOf(planted, 'js')
    expect(() => index.rank(request({ positives: [1], queries: [{ vector: new Float32Array(10), label: 'positive' }] }))).toThrow(/has 10 values but this dataset's embeddings have 96/)
    const bad = rowVector(planted, 1)
    bad[3] = Number.NaN
    expect(() => index.rank(request({ positives: [1], queries: [{ vector: bad, label: 'negative' }] }))).toThrow(/not a number/)
  })

  it('meanOfRows: the weighted mean of raw rows; one row gives that row exactly', () => {
    const index = indexOf(planted, 'wasm-simd', [500, 1500])
    expect(Array.from(index.meanOfRows([c0[2]!], [1])!)).toEqual(Array.from(rowVector(planted, c0[2]!)))
    const m = index.meanOfRows([3, 900], [1, 3])!
    for (let j = 0; j < planted.dims; j++) expect(m[j]).toBeCloseTo((planted.data[3 * 96 + j]! + 3 * planted.data[900 * 96 + j]!) / 4, 5)
    expect(index.meanOfRows([5000, -1], [1, 1])).toBeNull()
    expect(index.meanOfRows([3], [0])).toBeNull()
  })
})
