import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../scripts/lib/prng.mjs'
import { buildRankIndex, cosineScores, RankIndex, rankOrder, rowNorms, type Matrix } from './rank.ts'

/** Deterministic PRNG, so failures reproduce. */
const prng = mulberry32

/** Rows that share a large common component, like Clay v0 (raw cosine ~0.97). */
function clayLikeMatrix(count: number, dims: number, seed = 1): Matrix {
  const rnd = prng(seed)
  const common = Array.from({ length: dims }, () => rnd() * 2 - 1)
  const data = new Float32Array(count * dims)
  for (let i = 0; i < count; i++)
    for (let j = 0; j < dims; j++) data[i * dims + j] = common[j]! + 0.25 * (rnd() * 2 - 1)
  return { data, count, dims }
}

/** Independent float64 reference written the long way round: centre explicitly, then cosine. */
function reference(m: Matrix, pos: number[], neg: number[], centred: boolean): number[] {
  const rows: number[][] = []
  for (let i = 0; i < m.count; i++) rows.push(Array.from(m.data.subarray(i * m.dims, (i + 1) * m.dims)))
  const mu = rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length)
  const x = centred ? rows.map((r) => r.map((v, j) => v - mu[j]!)) : rows
  const avg = (ids: number[]) => mu.map((_, j) => ids.reduce((s, i) => s + x[i]![j]!, 0) / ids.length)
  const p = avg(pos)
  const q = neg.length ? p.map((v, j) => 2 * v - avg(neg)[j]!) : p
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, a) => s + a * a, 0))
  return x.map((r) => r.reduce((s, v, j) => s + v * q[j]!, 0) / (norm(r) * norm(q)))
}

describe('rank', () => {
  it('matches a float64 reference within 1e-5 in both modes, with and without negatives', () => {
    const m = clayLikeMatrix(300, 64)
    const index = buildRankIndex(m)
    for (const mode of ['centred', 'raw'] as const) {
      for (const [pos, neg] of [
        [[3], []],
        [[3, 17, 250], []],
        [[3, 17], [42, 99]],
      ] as [number[], number[]][]) {
        const got = index.rank({ positives: pos, negatives: neg, mode })!
        const want = reference(m, pos, neg, mode === 'centred')
        let worst = 0
        for (let i = 0; i < m.count; i++) worst = Math.max(worst, Math.abs(got.scores[i]! - want[i]!))
        expect(worst).toBeLessThan(1e-5)
      }
    }
  })

  it('scores the single positive itself 1 and ranks it first', () => {
    const index = buildRankIndex(clayLikeMatrix(200, 32, 7))
    const r = index.rank({ positives: [57], negatives: [], mode: 'centred' })!
    expect(r.order[0]).toBe(57)
    expect(r.scores[57]).toBeCloseTo(1, 6)
  })

  it('centring spreads scores that are all near 1 in raw mode', () => {
    const index = buildRankIndex(clayLikeMatrix(200, 32, 3))
    const raw = index.rank({ positives: [0], negatives: [], mode: 'raw' })!
    const centred = index.rank({ positives: [0], negatives: [], mode: 'centred' })!
    const median = (s: Float32Array) => Array.from(s).sort((a, b) => a - b)[s.length >> 1]!
    expect(median(raw.scores)).toBeGreaterThan(0.85)
    expect(median(centred.scores)).toBeLessThan(0.3)
  })

  it('a negative pushes its neighbours down', () => {
    const index = buildRankIndex(clayLikeMatrix(200, 32, 11))
    const without = index.rank({ positives: [5], negatives: [], mode: 'centred' })!
    const withNeg = index.rank({ positives: [5], negatives: [9], mode: 'centred' })!
    expect(withNeg.scores[9]!).toBeLessThan(without.scores[9]!)
    expect(Array.from(withNeg.order)).not.toEqual(Array.from(without.order))
  })

  it('returns null without positives', () => {
    const m = clayLikeMatrix(10, 4)
    const index = buildRankIndex(m)
    expect(index.rank({ positives: [], negatives: [2], mode: 'centred' })).toBeNull()
    expect(index.rank({ positives: [99], negatives: [], mode: 'centred' })).toBeNull()
  })

  it('ranks a dataset split into segments exactly like the same rows in one matrix', () => {
    const m = clayLikeMatrix(300, 32, 5)
    const whole = buildRankIndex(m)
    const parts = new RankIndex(32)
    for (const [a, b] of [
      [0, 70],
      [70, 71],
      [71, 300],
    ] as const)
      parts.add({ data: m.data.slice(a * 32, b * 32), count: b - a, dims: 32 })
    for (const mode of ['centred', 'raw'] as const) {
      const q = { positives: [10, 70, 200], negatives: [150], mode }
      expect(Array.from(parts.rank(q)!.scores)).toEqual(Array.from(whole.rank(q)!.scores))
      expect(Array.from(parts.rank(q)!.order)).toEqual(Array.from(whole.rank(q)!.order))
    }
  })

  it('updates the mean when a segment arrives after a ranking', () => {
    const m = clayLikeMatrix(100, 16, 9)
    const index = new RankIndex(16)
    index.add({ data: m.data.slice(0, 50 * 16), count: 50, dims: 16 })
    const before = index.rank({ positives: [3], negatives: [], mode: 'centred' })!
    index.add({ data: m.data.slice(50 * 16), count: 50, dims: 16 })
    const after = index.rank({ positives: [3], negatives: [], mode: 'centred' })!
    expect(after.scores).toHaveLength(100)
    expect(Array.from(after.scores)).toEqual(Array.from(buildRankIndex(m).rank({ positives: [3], negatives: [], mode: 'centred' })!.scores))
    expect(Array.from(after.scores.subarray(0, 50))).not.toEqual(Array.from(before.scores))
    expect(() => index.add({ data: new Float32Array(8), count: 1, dims: 8 })).toThrow(/8 dims/)
  })

  it('breaks ties by row order', () => {
    const scores = new Float32Array([0.5, 0.9, 0.5, 0.9, 0.1])
    expect(Array.from(rankOrder(scores))).toEqual([1, 3, 0, 2, 4])
  })

  it('gives zero-length rows and queries a score of 0 instead of NaN', () => {
    const m: Matrix = { data: new Float32Array([1, 0, 0, 0, 0, 1]), count: 3, dims: 2 }
    const norms = rowNorms(m, null)
    const s = cosineScores(m, new Float64Array([1, 0]), null, norms)
    expect(Array.from(s)).toEqual([1, 0, 0])
    expect(Array.from(cosineScores(m, new Float64Array([0, 0]), null, norms))).toEqual([0, 0, 0])
  })

  it('computes the mean and centred norms', () => {
    const m: Matrix = { data: new Float32Array([1, 2, 3, 4]), count: 2, dims: 2 }
    expect(Array.from(buildRankIndex(m).mean)).toEqual([2, 3])
    expect(Array.from(rowNorms(m, new Float64Array([2, 3])))).toEqual([Math.SQRT2, Math.SQRT2])
  })
})
