import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import proj4 from 'proj4'
import { beforeAll, describe, expect, it } from 'vitest'
import { readEmbeddings } from '../geoparquet/read-embeddings.ts'
import type { EmbeddingTable } from '../geoparquet/types.ts'
import { clayV0FileInfo, mgrsTileBbox, mgrsTileFootprint, parseMgrsTile, S2_TILE_SIZE_M } from './mgrs-tile.ts'
import { ringBBox as ringBbox } from '../bbox.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const fixturesDir = process.env.CHIPFINDER_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures')
const REAL_NAME = '03WVN_20220610_20220610_v001.gpq'
const REAL_FILE = path.join(fixturesDir, 'clay-v0', REAL_NAME)

const M_PER_DEG_LAT = 110_574
// proj4's types leave out forward's precision argument (digits per coordinate).
const mgrsForward = proj4.mgrs.forward as (lonLat: [number, number], accuracy?: number) => string

/** Ray casting in lon/lat. */
function inside(ring: Float64Array, x: number, y: number): boolean {
  let hit = false
  for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
    const xi = ring[i] as number
    const yi = ring[i + 1] as number
    const xj = ring[j] as number
    const yj = ring[j + 1] as number
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit
  }
  return hit
}

/** Metres from (x, y) to the ring's nearest edge, in a local flat frame around the point. */
function metresToRing(ring: Float64Array, x: number, y: number): number {
  const kx = 111_320 * Math.cos((y * Math.PI) / 180)
  let best = Infinity
  for (let i = 0; i + 3 < ring.length; i += 2) {
    const ax = ((ring[i] as number) - x) * kx
    const ay = ((ring[i + 1] as number) - y) * M_PER_DEG_LAT
    const bx = ((ring[i + 2] as number) - x) * kx
    const by = ((ring[i + 3] as number) - y) * M_PER_DEG_LAT
    const dx = bx - ax
    const dy = by - ay
    const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy))
  }
  return best
}

describe('parseMgrsTile', () => {
  it('decodes 03WVN to its 100 km square in UTM 3N', () => {
    expect(parseMgrsTile('03WVN')).toEqual({ id: '03WVN', zone: 3, band: 'W', south: false, epsg: 32603, west: 400_000, north: 7_300_000 })
    expect(parseMgrsTile('3wvn')?.id).toBe('03WVN')
  })

  it('decodes southern tiles into UTM south', () => {
    const sq = parseMgrsTile('33LWC')
    expect(sq).toMatchObject({ south: true, epsg: 32733 })
  })

  it('refuses what is not a 100 km square id', () => {
    for (const bad of ['', '00WVN', '61WVN', '03IVN', '03WIN', '03WVW', '03WVN1', '03WAN', 'hello', '03W']) {
      expect(parseMgrsTile(bad), bad).toBeNull()
    }
  })

  it('agrees with the mgrs library (bundled with proj4) on the square of every tile a global grid touches', () => {
    let checked = 0
    for (let lat = -79.5; lat < 84; lat += 1.3) {
      for (let lon = -179.7; lon < 180; lon += 2.1) {
        const id = /^\d{1,2}[A-Z]{3}/.exec(mgrsForward([lon, lat], 1))?.[0] as string
        const sq = parseMgrsTile(id)
        expect(sq, id).not.toBeNull()
        const [w, s] = proj4.mgrs.inverse(id)
        const [x, y] = proj4(`EPSG:${sq!.epsg}`, 'EPSG:4326').forward([sq!.west, sq!.north - 100_000])
        // Same south-west corner. The mgrs library's own UTM series drifts up to ~5e-5° far from
        // the central meridian (Svalbard's wide zones); 1e-4° is about 10 m.
        expect(Math.abs(((x - w + 540) % 360) - 180), id).toBeLessThan(1e-4)
        expect(Math.abs(y - s), id).toBeLessThan(1e-4)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(20_000)
  })
})

describe('mgrsTileFootprint on the real Clay v0 sample (03WVN)', () => {
  let table: EmbeddingTable
  let footprint: Float64Array
  let geoBbox: number[]

  beforeAll(async () => {
    const b = readFileSync(REAL_FILE)
    table = await readEmbeddings(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, { fileName: REAL_NAME })
    geoBbox = table.summary.bbox
    footprint = mgrsTileFootprint('03WVN') as Float64Array
  })

  it('is a closed, densified ring: 8 samples per edge', () => {
    expect(footprint.length).toBe((4 * 8 + 1) * 2)
    expect(Array.from(footprint.slice(-2))).toEqual(Array.from(footprint.slice(0, 2)))
    expect(mgrsTileFootprint('03WVN', { segments: 2 })?.length).toBe((4 * 2 + 1) * 2)
  })

  it('has the side of a Sentinel-2 tile, 109.8 km', () => {
    // South edge: vertex 0 (SW) to vertex 8 (SE).
    const toUtm = proj4('EPSG:4326', 'EPSG:32603')
    const [ax, ay] = toUtm.forward([footprint[0] as number, footprint[1] as number]) as [number, number]
    const [bx, by] = toUtm.forward([footprint[16] as number, footprint[17] as number]) as [number, number]
    expect(bx - ax).toBeCloseTo(S2_TILE_SIZE_M, 3)
    expect(by - ay).toBeCloseTo(0, 3)
  })

  it('holds every chip of the file (within 200 m)', () => {
    let outside = 0
    let worst = 0
    for (let i = 0; i < table.ringCoords.length; i += 2) {
      const x = table.ringCoords[i] as number
      const y = table.ringCoords[i + 1] as number
      if (!inside(footprint, x, y)) {
        outside++
        worst = Math.max(worst, metresToRing(footprint, x, y))
      }
    }
    // Chip edges sit on the 10 m pixel grid, a few tens of metres off the MGRS lines.
    expect(worst).toBeLessThan(200)
    // Most vertices are well inside: the chips cover the tile.
    expect(outside).toBeLessThan(table.ringCoords.length / 2 / 5)
  })

  it('covers the file’s geo bbox (within 200 m), and not much more', () => {
    const [w, s, e, n] = mgrsTileBbox('03WVN') as [number, number, number, number]
    const lat = (s + n) / 2
    const dLon = 200 / (111_320 * Math.cos((lat * Math.PI) / 180))
    const dLat = 200 / M_PER_DEG_LAT
    const [gw, gs, ge, gn] = geoBbox as [number, number, number, number]
    expect(w - dLon).toBeLessThanOrEqual(gw)
    expect(s - dLat).toBeLessThanOrEqual(gs)
    expect(e + dLon).toBeGreaterThanOrEqual(ge)
    expect(n + dLat).toBeGreaterThanOrEqual(gn)
    // The chips span 21 × 5.12 km = 107.5 km of the 109.8 km tile: the boxes differ by a few km.
    expect(gw - w).toBeLessThan(0.1)
    expect(n - gn).toBeLessThan(0.05)
  })

  it('rejects a wrong tile: 03WVM (the square to the south) does not hold the chips', () => {
    const south = mgrsTileFootprint('03WVM') as Float64Array
    let insideSouth = 0
    for (let i = 0; i < table.ringCoords.length; i += 2) if (inside(south, table.ringCoords[i] as number, table.ringCoords[i + 1] as number)) insideSouth++
    expect(insideSouth).toBeLessThan(table.ringCoords.length / 2 / 10)
  })

  it('keeps longitudes continuous for a tile over the antimeridian', () => {
    // 01WCS's 100 km square starts west of 180° in zone 1 (which runs from 180° W).
    const ring = mgrsTileFootprint('01WCS') as Float64Array
    const [w, , e] = ringBbox(ring)
    expect(e - w).toBeLessThan(10)
    expect(mgrsTileFootprint('nope')).toBeNull()
  })
})

describe('clayV0FileInfo', () => {
  it('reads tile, dates and version from a key or URL', () => {
    expect(clayV0FileInfo(REAL_NAME)).toEqual({ mgrs: '03WVN', minDate: '2022-06-10', maxDate: '2022-06-10', version: 1 })
    expect(clayV0FileInfo('v02/data/33LWC_20200101_20211231_v012.gpq?x=1')).toEqual({ mgrs: '33LWC', minDate: '2020-01-01', maxDate: '2021-12-31', version: 12 })
  })

  it('returns null for other names and impossible dates', () => {
    for (const bad of [
      '03WVN_20220610_20220610_v001.parquet',
      '03WVN_20220610_v001.gpq',
      '03WVN_20220230_20220610_v001.gpq',
      '03WVN_20220610_20220609_v001.gpq',
      '03IVN_20220610_20220610_v001.gpq',
      '03WVN_20221310_20221310_v001.gpq',
      'x/03WVN_20220610_20220610_v1.gpq',
    ]) {
      expect(clayV0FileInfo(bad), bad).toBeNull()
    }
  })
})
