import { describe, expect, it } from 'vitest'
import { ChipCollection } from '../chip-collection.ts'
import { areaProblem, areaSquareMetres, tidyRing } from './area.ts'
import { coveredChips } from './overlap.ts'
import { decodePolyline, encodePolyline } from './polyline.ts'

describe('polyline', () => {
  it('matches Google’s documented example', () => {
    const pts: [number, number][] = [
      [-120.2, 38.5],
      [-120.95, 40.7],
      [-126.453, 43.252],
    ]
    expect(encodePolyline(pts)).toBe('_p~iF~ps|U_ulLnnqC_mqNvxq`@')
    expect(decodePolyline('_p~iF~ps|U_ulLnnqC_mqNvxq`@')).toEqual(pts)
  })

  it('round-trips rings at 1e-5 exactly, including the extremes', () => {
    const ring: [number, number][] = [
      [-180, -90],
      [180, 90],
      [12.34567, -0.00001],
      [0, 0],
    ]
    expect(decodePolyline(encodePolyline(ring))).toEqual(ring)
  })

  it('gives null for garbage, never throws', () => {
    for (const bad of ['', ' ', 'abc\u0000', '~~~~~~~~~~~~~~~', '_p~iF', '_p~iF~ps|U_', '%%%']) {
      const out = decodePolyline(bad)
      if (bad === '') expect(out).toEqual([])
      else expect(out).toBeNull()
    }
    expect(decodePolyline(encodePolyline(Array.from({ length: 10 }, (_, i) => [i, i] as [number, number])), 5)).toBeNull()
  })
})

describe('area checks', () => {
  const square: [number, number][] = [
    [10, 50],
    [10.01, 50],
    [10.01, 50.01],
    [10, 50.01],
  ]
  it('accepts a simple polygon and a point', () => {
    expect(areaProblem('rectangle', square)).toBeNull()
    expect(areaProblem('point', [[10, 50]])).toBeNull()
  })
  it('refuses crossing outlines, bad coordinates, too many or too few corners', () => {
    const bowtie: [number, number][] = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
    ]
    expect(areaProblem('polygon', bowtie)).toMatch(/crosses itself/)
    expect(areaProblem('polygon', [[0, 0], [200, 0], [0, 1]])).toMatch(/outside the map/)
    expect(areaProblem('polygon', [[0, 0], [Number.NaN, 0], [0, 1]])).toMatch(/outside the map/)
    expect(areaProblem('polygon', [[0, 0], [1, 0]])).toMatch(/three corners/)
    expect(areaProblem('point', [[0, 0], [1, 0]])).toMatch(/exactly one/)
    const many = Array.from({ length: 201 }, (_, i) => [Math.cos(i / 32), Math.sin(i / 32)] as [number, number])
    expect(areaProblem('polygon', many)).toMatch(/at most 200/)
    expect(areaProblem('polygon', [[0, 0], [1, 0], [2, 0]])).toMatch(/no area/)
  })
  it('measures square metres in the local plane', () => {
    // 0.01° × 0.01° at 50° N: 1111.95 m × 714.7 m.
    expect(areaSquareMetres(square) / 1e6).toBeCloseTo(0.7947, 3)
  })
  it('tidies a ring to what a link keeps', () => {
    expect(tidyRing([[1.000001, 2], [1.000001, 2], [3, 4], [5, 6.123456], [1.000001, 2]])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6.12346],
    ])
  })
})

describe('covered chips', () => {
  // Four 0.01° chips side by side along the equator, then one far away.
  const rings: number[] = []
  const starts = [0]
  const box = (w: number, s: number, d = 0.01) => {
    rings.push(w, s, w + d, s, w + d, s + d, w, s + d, w, s)
    starts.push(starts.at(-1)! + 5)
  }
  for (let i = 0; i < 4; i++) box(i * 0.01, 0)
  box(50, 50)
  const chips = new ChipCollection()
  chips.add('f', {
    ids: ['c0', 'c1', 'c2', 'c3', 'far'],
    dates: [null, null, null, null, null],
    sourceUrls: [null, null, null, null, null],
    ringCoords: new Float64Array(rings),
    ringStarts: Uint32Array.from(starts),
  })

  it('weights each chip by its overlap with the area', () => {
    // Covers all of c1, half of c2, and touches c0 along an edge only (no area).
    const area = { shape: 'rectangle' as const, ring: [[0.01, 0], [0.025, 0], [0.025, 0.01], [0.01, 0.01]] as [number, number][] }
    const { rows, weights } = coveredChips(area, chips)
    expect(Array.from(rows)).toEqual([1, 2])
    expect(weights[1]! / weights[0]!).toBeCloseTo(0.5, 6)
  })

  it('takes the chip under a point, and nothing where there is none', () => {
    expect(Array.from(coveredChips({ shape: 'point', ring: [[0.035, 0.005]] }, chips).rows)).toEqual([3])
    expect(coveredChips({ shape: 'point', ring: [[20, 20]] }, chips).rows).toHaveLength(0)
    expect(coveredChips({ shape: 'polygon', ring: [[20, 20], [21, 20], [21, 21]] }, chips).rows).toHaveLength(0)
  })

  it('handles a concave polygon', () => {
    // An L over c0 (whole) and the lower half of c1.
    const L: [number, number][] = [
      [0, 0],
      [0.02, 0],
      [0.02, 0.005],
      [0.01, 0.005],
      [0.01, 0.01],
      [0, 0.01],
    ]
    const { rows, weights } = coveredChips({ shape: 'polygon', ring: L }, chips)
    expect(Array.from(rows)).toEqual([0, 1])
    expect(weights[1]! / weights[0]!).toBeCloseTo(0.5, 6)
  })
})
