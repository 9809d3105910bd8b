import { describe, expect, it } from 'vitest'
import { PREVIEW_MAX_DN, truecolourPreview } from './preview.ts'
import { upsampleNearest } from './read-window.ts'

const flat = (v: number, n = 4 * 4) => new Uint16Array(n).fill(v)

describe('truecolourPreview', () => {
  it('maps B04/B03/B02 linearly from 0–3000 to 0–255, clipped, and lays chips on their grid', () => {
    // Hand-computed (Uint8ClampedArray rounds halves to even): 1500 → 127.5 → 128, 3000 → 255,
    // 6000 → 510 → 255 (clipped), 300 → 25.5 → 26.
    const chips = [
      { row: 7, col: 2, bands: { B04: flat(1500), B03: flat(3000), B02: flat(6000) } },
      { row: 7, col: 4, bands: { B04: flat(300), B03: flat(0), B02: flat(0) } },
    ]
    const p = truecolourPreview(chips, 4)
    expect(PREVIEW_MAX_DN).toBe(3000)
    expect([p.width, p.height]).toEqual([12, 4]) // columns 2..4, the middle one unused
    expect(Array.from(p.rgba.subarray(0, 4))).toEqual([128, 255, 255, 255])
    expect(Array.from(p.rgba.subarray(4 * 4, 4 * 4 + 4))).toEqual([0, 0, 0, 0]) // column 3: not used
    expect(Array.from(p.rgba.subarray(8 * 4, 8 * 4 + 4))).toEqual([26, 0, 0, 255])
  })

  it('makes no-data transparent and downsamples to maxSide', () => {
    const p = truecolourPreview([{ row: 0, col: 0, bands: { B04: flat(0, 64), B03: flat(0, 64), B02: flat(0, 64) } }], 8, { maxSide: 4 })
    expect([p.width, p.height]).toEqual([4, 4])
    expect(p.rgba.every((v) => v === 0)).toBe(true)
  })
})

describe('upsampleNearest', () => {
  it('repeats each pixel factor × factor times', () => {
    expect(Array.from(upsampleNearest([1, 2, 3, 4], 2, 2))).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
  })
})
