import proj4 from 'proj4'
import { describe, expect, it } from 'vitest'
import { chipsForArea, type SceneGrid } from './chip-grid.ts'
import type { AreaGeometry, LonLat } from './stac.ts'

// A Sentinel-2-like grid in UTM 30N: 1536 × 1536 px at 10 m from (399960, 4500000).
const grid: SceneGrid = { epsg: 32630, originX: 399960, originY: 4500000, gsd: 10, width: 1536, height: 1536 }
const toLonLat = proj4('EPSG:32630', 'EPSG:4326')
function box(x0: number, y0: number, x1: number, y1: number): AreaGeometry {
  const ring = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ].map((p) => toLonLat.forward(p) as LonLat)
  return { type: 'Polygon', coordinates: [ring] }
}
const X = (col: number) => 399960 + col * 2560
const Y = (row: number) => 4500000 - row * 2560 // the north edge of chip row `row`

describe('chipsForArea', () => {
  it('gives exactly the one chip of the scene grid an area lies in', () => {
    const chips = chipsForArea(box(X(4) + 100, Y(2) + 100, X(5) - 100, Y(1) - 100), grid)
    expect(chips).toHaveLength(1)
    expect(chips[0]).toMatchObject({ row: 1, col: 4, x0: 1024, y0: 256, boundsUtm: [X(4), Y(2), X(5), Y(1)], partial: false })
    // Hand-computed: (2560 − 200)² m². Edges straight in lon/lat are not quite straight in UTM: 0.1 %.
    expect(chips[0]!.weight / (2360 * 2360)).toBeCloseTo(1, 3)
  })

  it('weights four chips by their overlap (hand-computed areas)', () => {
    // A 2000 × 1000 m box centred on the corner shared by chips (1,1), (1,2), (2,1), (2,2),
    // shifted so the west part is 1200 m wide and the north part 300 m tall.
    const cx = X(2)
    const cy = Y(2)
    const chips = chipsForArea(box(cx - 1200, cy - 700, cx + 800, cy + 300), grid)
    const byCell = Object.fromEntries(chips.map((c) => [`${c.row},${c.col}`, c.weight]))
    expect(Object.keys(byCell).sort()).toEqual(['1,1', '1,2', '2,1', '2,2'])
    expect(byCell['1,1']! / (1200 * 300)).toBeCloseTo(1, 2)
    expect(byCell['1,2']! / (800 * 300)).toBeCloseTo(1, 2)
    expect(byCell['2,1']! / (1200 * 700)).toBeCloseTo(1, 2)
    expect(byCell['2,2']! / (800 * 700)).toBeCloseTo(1, 2)
  })

  it('gives a point its chip with weight 1, and lon/lat corners around it', () => {
    const [lon, lat] = toLonLat.forward([X(3) + 5, Y(4) - 5]) as LonLat
    const [chip] = chipsForArea({ type: 'Point', coordinates: [lon, lat] }, grid)
    expect(chip).toMatchObject({ row: 4, col: 3, weight: 1 })
    const [w, s, e, n] = chip!.bboxLonLat
    expect(lon > w && lon < e && lat > s && lat < n).toBe(true)
    expect(chip!.cornersLonLat[0][0]).toBeCloseTo(w, 2)
  })

  it('caps the chips, saying how large an area can be', () => {
    expect(() => chipsForArea(box(X(0) + 10, Y(6) + 10, X(6) - 10, Y(0) - 10), grid)).toThrow(
      'The area is too large to encode here: it needs 36 chips of 2.56 × 2.56 km, and at most 25 are read at once (an area of about 12.8 × 12.8 km). Draw a smaller area.',
    )
    expect(chipsForArea(box(X(0) + 10, Y(6) + 10, X(6) - 10, Y(0) - 10), grid, { maxChips: 36 })).toHaveLength(36)
  })

  it('refuses an area beyond the scene, and a scene not in UTM', () => {
    expect(() => chipsForArea(box(X(0) - 500, Y(1), X(0) + 500, Y(0) - 100), grid)).toThrow(/beyond the edge of the scene's tile/)
    expect(() => chipsForArea(box(X(0) + 5, Y(1), X(0) + 500, Y(0) - 100), { ...grid, epsg: 3857 })).toThrow(/not a WGS 84 \/ UTM zone/)
  })

  it('marks a chip that runs past a scene whose size is not a whole number of chips', () => {
    const chips = chipsForArea(box(X(5) + 10, Y(1) + 10, X(5) + 100, Y(0) - 10), { ...grid, width: 1500 })
    expect(chips[0]).toMatchObject({ col: 5, partial: true })
  })
})
