import { describe, expect, it } from 'vitest'
import { boxRing, clipToConvex, findSelfIntersection, openRing, overlapArea, pointInRing, ringArea, ringBBox, signedRingArea, type Point } from './polygon.ts'

const square = (x: number, y: number, size: number): Point[] => boxRing([x, y, x + size, y + size])

describe('ringArea', () => {
  it('is the shoelace area, signed by winding', () => {
    expect(ringArea(square(0, 0, 2))).toBe(4)
    expect(signedRingArea(square(0, 0, 2))).toBe(4)
    expect(signedRingArea(square(0, 0, 2).reverse())).toBe(-4)
    // A right triangle with legs 3 and 4.
    expect(ringArea([[0, 0], [3, 0], [0, 4]])).toBe(6)
  })

  it('keeps its precision at UTM coordinates', () => {
    // A 2560 m chip far from the origin: the area is exact, not rounded by 1e12-sized products.
    expect(ringArea(square(500_000.5, 7_300_000.25, 2560))).toBe(2560 * 2560)
  })

  it('ignores a closing vertex and has no area below three vertices', () => {
    expect(openRing([[0, 0], [1, 0], [1, 1], [0, 0]])).toEqual([[0, 0], [1, 0], [1, 1]])
    expect(ringArea([[0, 0], [1, 0], [1, 1], [0, 0]])).toBe(0.5)
    expect(ringArea([[0, 0], [1, 1]])).toBe(0)
  })

  it('boxes a ring', () => {
    expect(ringBBox([[3, -1], [5, 2], [-2, 0]])).toEqual([-2, -1, 5, 2])
  })
})

describe('clipToConvex and overlapArea', () => {
  it('clips a square by another: the overlap of offset squares', () => {
    expect(overlapArea(square(0, 0, 2), square(1, 1, 2))).toBeCloseTo(1, 12)
    expect(overlapArea(square(0, 0, 2), square(5, 5, 2))).toBe(0)
    // Fully inside either way round.
    expect(overlapArea(square(1, 1, 1), square(0, 0, 4))).toBeCloseTo(1, 12)
    expect(overlapArea(square(0, 0, 4), square(1, 1, 1))).toBeCloseTo(1, 12)
  })

  it('accepts a clockwise clip polygon and a closed subject ring', () => {
    const subject = [...square(0, 0, 2), [0, 0] as Point]
    expect(overlapArea(subject, square(1, 0, 2).reverse())).toBeCloseTo(2, 12)
  })

  it('is exact for a concave subject (an L shape over two chips)', () => {
    // L: the 3×3 square minus its top-right 2×2 corner = 5 units.
    const L: Point[] = [[0, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3]]
    expect(ringArea(L)).toBe(5)
    // Chips of 1.5 × 1.5 tiling [0,3]², by hand:
    // bottom-left chip [0,1.5]²: the L covers x∈[0,1.5], y∈[0,1] (1.5) plus x∈[0,1], y∈[1,1.5] (0.5) = 2.
    expect(overlapArea(L, square(0, 0, 1.5))).toBeCloseTo(2, 12)
    // bottom-right chip [1.5,3]×[0,1.5]: x∈[1.5,3], y∈[0,1] = 1.5.
    expect(overlapArea(L, square(1.5, 0, 1.5))).toBeCloseTo(1.5, 12)
    // top-left chip [0,1.5]×[1.5,3]: x∈[0,1], y∈[1.5,3] = 1.5.
    expect(overlapArea(L, square(0, 1.5, 1.5))).toBeCloseTo(1.5, 12)
    // top-right chip: nothing.
    expect(overlapArea(L, square(1.5, 1.5, 1.5))).toBeCloseTo(0, 12)
  })

  it('gives the weights of a triangle over a grid that sum to its area', () => {
    const tri: Point[] = [[0.2, 0.1], [3.7, 0.4], [1.1, 2.9]]
    let sum = 0
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) sum += overlapArea(tri, square(i, j, 1))
    expect(sum).toBeCloseTo(ringArea(tri), 12)
    expect(clipToConvex(tri, square(10, 10, 1))).toEqual([])
  })
})

describe('pointInRing', () => {
  it('tells inside from outside, in a concave ring too', () => {
    const L: Point[] = [[0, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3]]
    expect(pointInRing([0.5, 2.5], L)).toBe(true)
    expect(pointInRing([2.5, 0.5], L)).toBe(true)
    expect(pointInRing([2, 2], L)).toBe(false)
    expect(pointInRing([-1, 0.5], L)).toBe(false)
  })
})

describe('findSelfIntersection', () => {
  it('finds nothing in simple rings, convex or not', () => {
    expect(findSelfIntersection(square(0, 0, 1))).toBeNull()
    expect(findSelfIntersection([[0, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3], [0, 0]])).toBeNull()
    expect(findSelfIntersection([[0, 0], [1, 0], [0, 1]])).toBeNull()
  })

  it('finds the crossing edges of a bow tie', () => {
    // Edges 0 ([0,0]→[2,2]) and 2 ([2,0]→[0,2]) cross at [1,1].
    expect(findSelfIntersection([[0, 0], [2, 2], [2, 0], [0, 2]])).toEqual({ a: 0, b: 2 })
  })

  it('finds an outline that touches itself at a vertex or doubles back', () => {
    // A figure-eight: the outline passes through [1,1] twice.
    expect(findSelfIntersection([[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1]])).not.toBeNull()
    // A repeated vertex.
    expect(findSelfIntersection([[0, 0], [1, 0], [1, 0], [1, 1], [0, 1]])).not.toBeNull()
  })
})
