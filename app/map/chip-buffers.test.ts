import { describe, expect, it } from 'vitest'
import {
  chipFilters,
  chipPixels,
  FADED_OPACITY,
  FADED_ALPHA,
  filterValues,
  float32AtOrAbove,
  float32AtOrBelow,
  FOOTPRINT_MIN_PIXELS,
  MISSING_LOSS,
  OPEN,
  rampColours,
  RANKED_ALPHA,
  segmentMode,
  segmentShape,
  UNRANKED_FILL,
  UNRANKED_SCORE,
  type FilterRange,
} from './chip-buffers.ts'
import { ChipCollection } from '../lib/chip-collection.ts'
import type { ChipAttributes } from '../lib/chips.ts'
import { viridis } from '../lib/color-ramp.ts'
import { countAtOrAbove } from '../lib/histogram.ts'

/** n square chips of `size` degrees in a row eastwards from (lon, lat). */
function squares(n: number, lon: number, lat: number, size: number, loss?: number[]): ChipAttributes {
  const coords: number[] = []
  const starts = [0]
  for (let i = 0; i < n; i++) {
    const x = lon + i * size
    coords.push(x + size, lat, x + size, lat + size, x, lat + size, x, lat, x + size, lat)
    starts.push(starts[i]! + 5)
  }
  return {
    ids: Array.from({ length: n }, (_, i) => `c${lon}-${i}`),
    dates: new Array(n).fill(null),
    sourceUrls: new Array(n).fill(null),
    ringCoords: new Float64Array(coords),
    ringStarts: new Uint32Array(starts),
    ...(loss ? { extra: { loss: new Float32Array(loss) } } : {}),
  }
}

/** What the GPU does with DataFilterExtension's ranges (no soft range): min ≤ v ≤ max in each dimension, in float32. */
function passes(range: FilterRange, score: number, loss: number): boolean {
  const v = [Math.fround(score), Math.fround(loss)]
  return range.every(([lo, hi], d) => Math.fround(lo) <= v[d]! && v[d]! <= Math.fround(hi))
}

describe('chip colours', () => {
  it('ramps scores over the domain, one RGBA per chip, from the segment offset', () => {
    const scores = new Float32Array([9, 9, -1, 0, 1, 0.5])
    const c = rampColours(scores, 2, 4, { min: -1, max: 1 })
    expect(c).toHaveLength(16)
    expect([...c.subarray(0, 4)]).toEqual([...viridis(0), RANKED_ALPHA])
    expect([...c.subarray(4, 8)]).toEqual([...viridis(0.5), RANKED_ALPHA])
    expect([...c.subarray(8, 12)]).toEqual([...viridis(1), RANKED_ALPHA])
    // 1024 steps: within a unit of the exact ramp.
    const exact = viridis(0.75)
    c.subarray(12, 15).forEach((v, i) => expect(Math.abs(v - exact[i]!)).toBeLessThanOrEqual(1))
  })

  it('gives chips without a value the neutral fill: none yet, past the ranked rows, or NaN', () => {
    expect([...rampColours(null, 0, 2, null)]).toEqual([...UNRANKED_FILL, ...UNRANKED_FILL])
    const c = rampColours(new Float32Array([0.2, Number.NaN, 0.3]), 1, 3, { min: 0, max: 1 })
    expect([...c.subarray(0, 4)]).toEqual([...UNRANKED_FILL])
    expect([...c.subarray(4, 8)]).toEqual([...viridis(0.3), RANKED_ALPHA].map((v, i) => (i < 3 ? expect.closeTo(v, 0) : v)))
    expect([...c.subarray(8, 12)]).toEqual([...UNRANKED_FILL])
  })

  it('clamps values outside the domain to its ends', () => {
    const c = rampColours(new Float32Array([-5, 5]), 0, 2, { min: 0, max: 1 })
    expect([...c.subarray(0, 3)]).toEqual(viridis(0))
    expect([...c.subarray(4, 7)]).toEqual(viridis(1))
  })

  it('fades to the old faded alpha through the faded layer’s opacity', () => {
    expect(Math.round(RANKED_ALPHA * FADED_OPACITY)).toBe(FADED_ALPHA)
  })

  it('colours a million chips in one quick loop', () => {
    const n = 1_000_000
    const scores = new Float32Array(n).map((_, i) => Math.sin(i) * 0.9)
    const started = performance.now()
    const c = rampColours(scores, 0, n, { min: -1, max: 1 })
    const v = filterValues(scores, 0, n, undefined)
    const ms = performance.now() - started
    expect(c).toHaveLength(4 * n)
    expect(v).toHaveLength(2 * n)
    // Generous for a loaded CI machine; about 10 ms on this one.
    expect(ms).toBeLessThan(400)
  })
})

describe('filter values and ranges', () => {
  it('pairs each chip’s score with its loss, unranked and missing values marked', () => {
    const v = filterValues(new Float32Array([0.1, 0.2, 0.3]), 1, 3, new Float32Array([1, Number.NaN, 3]))
    expect([...v]).toEqual([Math.fround(0.2), 1, Math.fround(0.3), MISSING_LOSS, UNRANKED_SCORE, 3].map(Math.fround))
    expect([...filterValues(null, 0, 2, undefined)]).toEqual([UNRANKED_SCORE, 0, UNRANKED_SCORE, 0].map(Math.fround))
  })

  it('splits chips at the threshold exactly as the panels count them, each chip in one layer', () => {
    const scores = new Float32Array([0.1, 0.555, Math.fround(0.555), 0.5551, 0.7, -0.3, 1])
    for (const t of [0.555, Math.fround(0.555), 0.5, 0.1, 0.7000001]) {
      const { shown, faded } = chipFilters(t, true, null, false)
      const values = filterValues(scores, 0, scores.length, undefined)
      let shownCount = 0
      for (let i = 0; i < scores.length; i++) {
        const s = passes(shown, values[2 * i]!, values[2 * i + 1]!)
        const f = passes(faded!, values[2 * i]!, values[2 * i + 1]!)
        expect(s !== f, `chip ${i} at ${t}`).toBe(true)
        if (s) shownCount++
      }
      expect(shownCount, `threshold ${t}`).toBe(countAtOrAbove(scores, t))
    }
  })

  it('shows every chip, and fades none, without a threshold or when colouring by loss', () => {
    expect(chipFilters(null, true, null, true)).toEqual({ shown: [[-OPEN, OPEN], [-OPEN, OPEN]], faded: null })
    expect(chipFilters(0.5, false, null, true).faded).toBeNull()
    // Unranked chips (loaded after the ranking) are never below a threshold.
    expect(passes(chipFilters(0.99, true, null, false).shown, UNRANKED_SCORE, 0)).toBe(true)
  })

  it('hides chips outside the loss filter, in both layers, and only in files with a loss column', () => {
    const { shown, faded } = chipFilters(0.5, true, [0.05, 2], true)
    expect(passes(shown, 0.9, 0.01)).toBe(false)
    expect(passes(faded!, 0.1, 0.01)).toBe(false)
    expect(passes(shown, 0.9, 0.05)).toBe(true)
    expect(passes(shown, 0.9, Math.fround(2))).toBe(true)
    expect(passes(shown, 0.9, 2.01)).toBe(false)
    expect(passes(chipFilters(0.5, true, [0.05, 2], false).shown, 0.9, 0)).toBe(true)
  })

  it('rounds bounds to the float32 values that keep the comparison exact', () => {
    expect(float32AtOrAbove(0.1)).toBeGreaterThanOrEqual(0.1)
    expect(Math.fround(float32AtOrAbove(0.1))).toBe(float32AtOrAbove(0.1))
    expect(float32AtOrBelow(0.1)).toBeLessThanOrEqual(0.1)
    expect(float32AtOrAbove(0.5)).toBe(0.5)
    expect(float32AtOrAbove(-0.1)).toBeGreaterThanOrEqual(-0.1)
  })
})

describe('points or footprints', () => {
  const chips = new ChipCollection()
  // 0.01° chips (about 1.1 km) near the equator, and 0.001° chips further east.
  const big = chips.add('a', squares(10, 10, 0, 0.01))
  const small = chips.add('b', squares(10, 20, 0, 0.001))

  it('measures a segment: its box and a typical chip', () => {
    const shape = segmentShape(big)
    expect(shape.bbox).toEqual([10, 0, 10.1, 0.01].map((x) => expect.closeTo(x, 9)))
    expect(shape.chipDegrees).toBeCloseTo(0.01, 9)
    expect(shape.chipMetres).toBeCloseTo(1113.2, 0)
    expect(segmentShape(big)).toBe(shape)
  })

  it('draws footprints once a chip is a few pixels across, points below, nothing out of view', () => {
    const shape = segmentShape(big)
    // 0.01° at zoom z spans 512·2^z/360·0.01 px: 6 px from zoom ≈ 8.7.
    expect(chipPixels(shape, 8)).toBeCloseTo(3.64, 1)
    const world = { bounds: [-180, -85, 180, 85] as [number, number, number, number], zoom: 8 }
    expect(segmentMode(shape, world)).toBe('points')
    expect(segmentMode(shape, { ...world, zoom: 9 })).toBe('footprints')
    expect(chipPixels(shape, 9)).toBeGreaterThanOrEqual(FOOTPRINT_MIN_PIXELS)
    expect(segmentMode(segmentShape(small), { ...world, zoom: 9 })).toBe('points')
    expect(segmentMode(shape, { bounds: [30, 0, 31, 1], zoom: 9 })).toBe('hidden')
    // A world copy east of the antimeridian still shows it.
    expect(segmentMode(shape, { bounds: [369, -1, 371, 1], zoom: 9 })).toBe('footprints')
    expect(segmentMode(shape, null)).toBe('points')
  })

  it('scales with latitude, as Web Mercator does', () => {
    const north = new ChipCollection().add('n', squares(3, 0, 60, 0.01))
    expect(chipPixels(segmentShape(north), 8) / chipPixels(segmentShape(big), 8)).toBeCloseTo(2, 1)
  })
})
