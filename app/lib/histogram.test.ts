import { describe, expect, it } from 'vitest'
import { countAtOrAbove, domainFraction, histogram, scoreDomain } from './histogram.ts'
import { viridis } from './color-ramp.ts'

describe('histogram', () => {
  it('rounds the domain out to tenths within [-1, 1]', () => {
    expect(scoreDomain(new Float32Array([-0.23, 0.41, 1]))).toEqual({ min: -0.3, max: 1 })
    expect(scoreDomain(new Float32Array([0.2, 0.2]))).toEqual({ min: 0.1, max: 0.3 })
    expect(scoreDomain(new Float32Array([]))).toEqual({ min: -1, max: 1 })
  })

  it('counts every score exactly once, the maximum in the last bin', () => {
    const scores = new Float32Array([-0.3, -0.29, 0, 0.5, 1, 1])
    const h = histogram(scores, { min: -0.3, max: 1 }, 13)
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(6)
    expect(h.counts[0]).toBe(2)
    expect(h.counts[12]).toBe(2)
  })

  it('counts chips at or above the threshold', () => {
    const scores = new Float32Array([0.1, 0.5, 0.5, 0.9])
    expect(countAtOrAbove(scores, 0.5)).toBe(3)
    expect(countAtOrAbove(scores, null)).toBe(4)
    expect(countAtOrAbove(scores, 0.5, (row) => row !== 3)).toBe(2)
    expect(countAtOrAbove(scores, null, (row) => row === 0)).toBe(1)
    expect(domainFraction(0.5, { min: 0, max: 1 })).toBe(0.5)
  })

  it('ramps from dark purple to yellow', () => {
    expect(viridis(0)).toEqual([0x44, 0x01, 0x54])
    expect(viridis(1)).toEqual([0xfd, 0xe7, 0x25])
    expect(viridis(2)).toEqual(viridis(1))
    expect(viridis(Number.NaN)).toEqual(viridis(0))
  })
})
