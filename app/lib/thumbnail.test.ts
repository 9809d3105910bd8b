import { describe, expect, it } from 'vitest'
import { chooseZoom, continuousRing, lonLatToWorld, planThumbnail, ringToCanvas, TILE_SIZE, tileUrl, worldToLonLat } from './thumbnail.ts'

/** The slippy-map tile of a point, as the OpenStreetMap wiki writes it. */
function osmTile(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z
  const rad = (lat * Math.PI) / 180
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) * n)]
}

/** A square footprint of `km` kilometres around a point (near enough for these tests). */
function square(lon: number, lat: number, km: number): [number, number][] {
  const dLat = km / 2 / 111.32
  const dLon = dLat / Math.cos((lat * Math.PI) / 180)
  return [
    [lon + dLon, lat - dLat],
    [lon + dLon, lat + dLat],
    [lon - dLon, lat + dLat],
    [lon - dLon, lat - dLat],
    [lon + dLon, lat - dLat],
  ]
}

describe('thumbnail maths (Web Mercator)', () => {
  it('maps lon/lat to the world square and back', () => {
    expect(lonLatToWorld(0, 0)).toEqual([0.5, 0.5])
    expect(lonLatToWorld(-180, 0)[0]).toBe(0)
    const [x, y] = lonLatToWorld(-165.3, 65.7)
    const [lon, lat] = worldToLonLat(x, y)
    expect(lon).toBeCloseTo(-165.3, 9)
    expect(lat).toBeCloseTo(65.7, 9)
    // Beyond Web Mercator's edge, points stay on the square.
    expect(lonLatToWorld(0, 89.9)[1]).toBeCloseTo(0, 9)
  })

  it('picks the zoom where a chip is about 128 px across, within the imagery zooms', () => {
    // A 5.12 km Clay v0 chip in Alaska and on the equator, a 320 m Earth Index chip.
    for (const [lon, lat, km] of [
      [-165.3, 65.7, 5.12],
      [-60.2, -2.5, 5.12],
      [36.8, -1.3, 2.56],
      [5.1, 51.9, 0.32],
    ] as const) {
      const ring = square(lon, lat, km)
      const z = chooseZoom(ring, { maxZoom: 22 })
      const plan = planThumbnail(ring, { maxZoom: 22 })
      expect(plan.zoom).toBe(z)
      const side = Math.max(plan.width, plan.height)
      expect(side).toBeGreaterThanOrEqual(90)
      expect(side).toBeLessThanOrEqual(183)
    }
    // An imagery server that stops at zoom 14 gets a smaller crop, never a deeper zoom.
    const small = planThumbnail(square(5.1, 51.9, 0.32), { maxZoom: 14 })
    expect(small.zoom).toBe(14)
    expect(Math.max(small.width, small.height)).toBeLessThan(90)
  })

  it('lists the tiles that cover the crop, each placed where it belongs', () => {
    const ring = square(-165.3, 65.7, 5.12)
    const plan = planThumbnail(ring, { maxZoom: 22 })
    const [cx, cy] = osmTile(-165.3, 65.7, plan.zoom)
    expect(plan.tiles.some((t) => t.x === cx && t.y === cy)).toBe(true)
    // Every crop pixel is covered by exactly one tile.
    for (let py = 0; py < plan.height; py += 7)
      for (let px = 0; px < plan.width; px += 7) {
        const covering = plan.tiles.filter((t) => px >= t.dx && px < t.dx + TILE_SIZE && py >= t.dy && py < t.dy + TILE_SIZE)
        expect(covering).toHaveLength(1)
      }
    // Each corner of the footprint's box sits in the tile the OSM formula gives.
    const corners = ringToCanvas(ring, plan)
    for (const [i, [px, py]] of corners.entries()) {
      const [lon, lat] = ring[i]!
      const [tx, ty] = osmTile(lon, lat, plan.zoom)
      const inside = (t: (typeof plan.tiles)[number]) => px >= t.dx - 1 && px <= t.dx + TILE_SIZE + 1 && py >= t.dy - 1 && py <= t.dy + TILE_SIZE + 1
      expect(plan.tiles.filter(inside).map((t) => [t.x, t.y])).toContainEqual([tx, ty])
    }
  })

  it('maps the footprint onto the canvas edges', () => {
    const ring = square(10, 45, 5)
    const plan = planThumbnail(ring, { maxZoom: 22 })
    const pts = ringToCanvas(ring, plan)
    const xs = pts.map((p) => p[0])
    const ys = pts.map((p) => p[1])
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0)
    expect(Math.min(...xs)).toBeLessThan(1)
    expect(Math.max(...xs)).toBeLessThanOrEqual(plan.width)
    expect(Math.max(...xs)).toBeGreaterThan(plan.width - 1)
    expect(Math.min(...ys)).toBeLessThan(1)
    expect(Math.max(...ys)).toBeGreaterThan(plan.height - 1)
  })

  it('keeps a footprint across the antimeridian small and wraps its tile columns', () => {
    const ring: [number, number][] = [
      [179.98, 65],
      [-179.98, 65],
      [-179.98, 65.04],
      [179.98, 65.04],
      [179.98, 65],
    ]
    expect(continuousRing(ring)[1]![0]).toBeCloseTo(180.02, 9)
    const plan = planThumbnail(ring, { maxZoom: 22 })
    expect(plan.zoom).toBeGreaterThan(8)
    const n = 2 ** plan.zoom
    const columns = [...new Set(plan.tiles.map((t) => t.x))].sort((a, b) => a - b)
    expect(columns).toEqual([0, n - 1])
  })

  it('drops to a lower zoom rather than fetch a great many tiles, and survives a point', () => {
    const huge = square(0, 0, 3000)
    const plan = planThumbnail(huge, { maxZoom: 22, target: 4000 })
    expect(plan.tiles.length).toBeLessThanOrEqual(16)
    const point: [number, number][] = [
      [1, 1],
      [1, 1],
    ]
    const p = planThumbnail(point, { maxZoom: 14 })
    expect(p).toMatchObject({ zoom: 14, width: 1, height: 1 })
    expect(p.tiles).toHaveLength(1)
  })

  it('fills in tile templates', () => {
    expect(tileUrl('https://t.example.org/{z}/{y}/{x}.jpg', { z: 3, x: 5, y: 2 })).toBe('https://t.example.org/3/2/5.jpg')
    expect(tileUrl('https://t/{z}/{x}/{y}?z={z}', { z: 1, x: 0, y: 1 })).toBe('https://t/1/0/1?z=1')
  })
})
