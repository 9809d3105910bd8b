// What a person sees of ranking, through the index (the kernels, the exact top K and the methods
// have their own tests beside this one).
import { describe, expect, it } from 'vitest'
import { SearchIndex, type RankRequest } from './index.ts'
import { plantedClusters, rankOrder } from '../testing/rank-data.ts'

const m = plantedClusters(400, 64, { clusters: 2, size: 30, seed: 3, offset: 5 })
const index = new SearchIndex(64)
index.addSegment(m.data.slice(), 400)

const rank = (r: Partial<RankRequest>) =>
  index.rank({ positives: [m.members[0]![0]!], negatives: [], mode: 'centred', method: 'mean', precision: 'auto', topK: 400, suggest: 0, ...r })!

describe('rank', () => {
  it('scores the single positive itself 1 and ranks it first; its cluster follows', () => {
    const r = rank({})
    expect(r.top[0]).toBe(m.members[0]![0])
    expect(r.scores[m.members[0]![0]!]).toBeCloseTo(1, 6)
    const members = new Set(m.members[0])
    expect(Array.from(r.top.slice(0, 30)).filter((row) => members.has(row)).length).toBeGreaterThanOrEqual(25)
    expect(r.range).toEqual([-1, 1])
  })

  it('centring spreads scores that are all near 1 in raw mode', () => {
    const median = (s: Float32Array) => Array.from(s).sort((a, b) => a - b)[s.length >> 1]!
    expect(median(rank({ mode: 'raw' }).scores)).toBeGreaterThan(0.85)
    expect(median(rank({}).scores)).toBeLessThan(0.3)
  })

  it('a negative pushes its neighbours down', () => {
    const neg = m.members[1]![0]!
    const without = rank({})
    const withNeg = rank({ negatives: [neg] })
    const mean = (s: Float32Array) => m.members[1]!.reduce((t, r) => t + s[r]!, 0) / 30
    expect(withNeg.scores[neg]!).toBeLessThan(without.scores[neg]! - 0.3)
    expect(mean(withNeg.scores)).toBeLessThan(mean(without.scores) - 0.2)
  })

  it('every method keeps to its range', () => {
    for (const method of ['mean', 'max', 'classifier'] as const) {
      const r = rank({ method, negatives: [m.members[1]![0]!] })
      for (const s of r.scores) expect(s >= r.range[0] && s <= r.range[1]).toBe(true)
    }
  })

  it('rankOrder: highest first, ties by row order', () => {
    expect(Array.from(rankOrder(new Float32Array([0.5, 0.9, 0.5, 0.9, 0.1])))).toEqual([1, 3, 0, 2, 4])
  })
})
