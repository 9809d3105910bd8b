import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../../scripts/lib/prng.mjs'
import { bestRows, candidatesAbove, candidatesNearZero } from './select.ts'

const none = { gamma: 0, beta: 0, r: null, extra: null }

describe('select', () => {
  it('candidatesAbove: exactly the top k when there is no error, all ties at the k-th included', () => {
    const t = new Float32Array([0.1, 0.9, 0.5, 0.9, 0.3, 0.5, 0.5])
    expect(Array.from(candidatesAbove(t, 2, none, (x) => x))).toEqual([1, 3])
    expect(Array.from(candidatesAbove(t, 3, none, (x) => x))).toEqual([1, 2, 3, 5, 6])
    expect(Array.from(candidatesAbove(t, 0, none, (x) => x))).toEqual([])
    expect(Array.from(candidatesAbove(t, 9, none, (x) => x))).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('candidatesAbove: with per-row bounds, every row that could still reach the top k', () => {
    const rand = mulberry32(1)
    const truth = Float64Array.from({ length: 5000 }, () => rand())
    const err = Float32Array.from({ length: 5000 }, () => rand() * 1e-3)
    const t = Float32Array.from(truth, (v, i) => v + (rand() * 2 - 1) * err[i]!)
    const picked = new Set(candidatesAbove(t, 50, { gamma: 0, beta: 1e-7, r: null, extra: err }, (x) => x))
    const top = Array.from(truth.keys()).sort((a, b) => truth[b]! - truth[a]!).slice(0, 50)
    for (const r of top) expect(picked.has(r)).toBe(true)
    expect(picked.size).toBeLessThan(100)
  })

  it('candidatesNearZero: the k smallest |a·t + b| outside the excluded rows', () => {
    const t = new Float32Array([-0.5, 0.25, 0.1, 0.6, 0.2])
    const exclude = new Uint8Array([0, 0, 1, 0, 0])
    // |2t − 0.5|: 1.5, 0, (excluded), 0.7, 0.1
    expect(Array.from(candidatesNearZero(t, 2, -0.5, 2, none, exclude))).toEqual([1, 4])
    expect(Array.from(candidatesNearZero(t, 2, -0.5, 9, none, exclude))).toEqual([0, 1, 3, 4])
  })

  it('bestRows: by key, ties by lower row, either direction', () => {
    const rows = Uint32Array.from([9, 4, 7, 2])
    expect(Array.from(bestRows(rows, [0.5, 0.7, 0.5, 0.1], 3))).toEqual([4, 7, 9])
    expect(Array.from(bestRows(rows, [0.5, 0.7, 0.5, 0.1], 3, true))).toEqual([2, 7, 9])
  })
})
