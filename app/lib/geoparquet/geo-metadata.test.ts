import { describe, expect, it } from 'vitest'
import { bboxToLonLat, crsCode, crsLabel, isLonLatCrs, parseGeoMetadata, resolveCrs } from './geo-metadata.ts'

const CRS84_PROJJSON = {
  $schema: 'https://proj.org/schemas/v0.7/projjson.schema.json',
  type: 'GeographicCRS',
  name: 'WGS 84 (CRS84)',
  // A nested id (the datum's) must not be mistaken for the CRS's own.
  datum_ensemble: { name: 'World Geodetic System 1984 ensemble', id: { authority: 'EPSG', code: 6326 } },
  id: { authority: 'OGC', code: 'CRS84' },
}

function geo(column: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: '1.0.0', primary_column: 'geometry', columns: { geometry: column }, ...extra })
}

describe('parseGeoMetadata', () => {
  it('reads primary column, encoding, CRS84 PROJJSON and bbox', () => {
    const m = parseGeoMetadata(geo({ encoding: 'WKB', crs: CRS84_PROJJSON, geometry_types: ['Polygon'], bbox: [-167.2, 64.8, -164.8, 65.8] }))
    expect(m?.primaryColumn).toBe('geometry')
    expect(m?.version).toBe('1.0.0')
    expect(m?.primary?.encoding).toBe('WKB')
    expect(m?.primary?.bbox).toEqual([-167.2, 64.8, -164.8, 65.8])
    expect(m?.primary?.geometryTypes).toEqual(['Polygon'])
    expect(isLonLatCrs(m?.primary?.crs)).toBe(true)
    expect(crsLabel(m?.primary?.crs)).toBe('OGC:CRS84')
  })

  it('tells a null CRS from a missing one, and treats both as lon/lat', () => {
    const nullCrs = parseGeoMetadata(geo({ encoding: 'WKB', crs: null }))
    expect(nullCrs?.primary?.crs).toBeNull()
    expect(isLonLatCrs(nullCrs?.primary?.crs)).toBe(true)
    const missing = parseGeoMetadata(geo({ encoding: 'WKB' }))
    expect(missing?.primary?.crs).toBeUndefined()
    expect(isLonLatCrs(missing?.primary?.crs)).toBe(true)
  })

  it('recognises EPSG:3857 as not lon/lat and names it', () => {
    const m = parseGeoMetadata(geo({ encoding: 'WKB', crs: { type: 'ProjectedCRS', name: 'WGS 84 / Pseudo-Mercator', id: { authority: 'EPSG', code: 3857 } } }))
    expect(isLonLatCrs(m?.primary?.crs)).toBe(false)
    expect(crsLabel(m?.primary?.crs)).toBe('EPSG:3857')
  })

  it('reads a 3D bbox as its x/y part and drops malformed ones', () => {
    expect(parseGeoMetadata(geo({ bbox: [1, 2, 3, 4, 5, 6] }))?.primary?.bbox).toEqual([1, 2, 4, 5])
    expect(parseGeoMetadata(geo({ bbox: [1, 2, 3] }))?.primary?.bbox).toBeNull()
    expect(parseGeoMetadata(geo({ bbox: [1, 2, 'x', 4] }))?.primary?.bbox).toBeNull()
    expect(parseGeoMetadata(geo({ bbox: 'nope' }))?.primary?.bbox).toBeNull()
  })

  it('returns null for garbage instead of throwing', () => {
    for (const bad of [undefined, null, '', '{', 'null', '42', '[]', '"geo"', '{"columns": 5}', '{"primary_column": 7}']) {
      expect(parseGeoMetadata(bad), String(bad)).toBeNull()
    }
  })

  it('survives wrong types inside a column', () => {
    const m = parseGeoMetadata(JSON.stringify({ primary_column: 'g', columns: { g: { encoding: 5, crs: 4326, geometry_types: 'Polygon' } } }))
    expect(m?.primary?.encoding).toBeNull()
    expect(m?.primary?.geometryTypes).toEqual([])
    // A number isn't a valid CRS: it must not pass as lon/lat.
    expect(isLonLatCrs(m?.primary?.crs)).toBe(false)
  })

  it('takes the only column when primary_column is missing', () => {
    const m = parseGeoMetadata(JSON.stringify({ columns: { geom: { encoding: 'WKB' } } }))
    expect(m?.primaryColumn).toBe('geom')
  })
})

describe('isLonLatCrs', () => {
  it('accepts the lon/lat spellings', () => {
    for (const crs of ['OGC:CRS84', 'EPSG:4326', ' epsg:4326 ', 'urn:ogc:def:crs:OGC:1.3:CRS84']) {
      expect(isLonLatCrs(crs), crs).toBe(true)
    }
    expect(isLonLatCrs({ id: { authority: 'EPSG', code: 4326 } })).toBe(true)
    expect(isLonLatCrs({ id: { authority: 'epsg', code: '4326' } })).toBe(true)
    expect(isLonLatCrs({ ids: [{ authority: 'OGC', code: 'CRS84' }] })).toBe(true)
  })

  it('rejects everything else', () => {
    for (const crs of ['EPSG:3857', 'EPSG:32603', 'nonsense', '']) {
      expect(isLonLatCrs(crs), crs).toBe(false)
    }
    expect(isLonLatCrs({ id: { authority: 'EPSG', code: 32603 } })).toBe(false)
    expect(isLonLatCrs({ name: 'WGS 84' })).toBe(false)
  })
})

describe('GeoParquet 1.1 covering', () => {
  it('reads the bbox covering paths and ignores malformed ones', () => {
    const covering = { bbox: { xmin: ['bbox', 'xmin'], ymin: ['bbox', 'ymin'], xmax: ['bbox', 'xmax'], ymax: ['bbox', 'ymax'] } }
    expect(parseGeoMetadata(geo({ encoding: 'WKB', covering }))?.primary?.covering).toEqual(covering.bbox)
    expect(parseGeoMetadata(geo({ encoding: 'WKB', covering: { bbox: { xmin: 'bbox.xmin' } } }))?.primary?.covering).toBeNull()
    expect(parseGeoMetadata(geo({ encoding: 'WKB', covering: { bbox: { ...covering.bbox, ymax: [] } } }))?.primary?.covering).toBeNull()
    expect(parseGeoMetadata(geo({ encoding: 'WKB' }))?.primary?.covering).toBeNull()
  })
})

describe('crsCode', () => {
  it('reads codes, URNs, OGC URLs and PROJJSON ids', () => {
    expect(crsCode('EPSG:3857')).toBe('EPSG:3857')
    expect(crsCode(' epsg:32603 ')).toBe('EPSG:32603')
    expect(crsCode('urn:ogc:def:crs:EPSG::3857')).toBe('EPSG:3857')
    expect(crsCode('urn:ogc:def:crs:EPSG:9.8.15:32733')).toBe('EPSG:32733')
    expect(crsCode('http://www.opengis.net/def/crs/EPSG/0/3035')).toBe('EPSG:3035')
    expect(crsCode({ id: { authority: 'EPSG', code: 32603 } })).toBe('EPSG:32603')
    expect(crsCode('PROJCS["x"]')).toBeNull()
    expect(crsCode(null)).toBeNull()
  })
})

describe('resolveCrs', () => {
  const toLonLat = (crs: Parameters<typeof resolveCrs>[0], xy: number[]): number[] | null => {
    const r = resolveCrs(crs)
    if (r.kind !== 'reproject') throw new Error(`${String(crs)} resolved to ${r.kind}`)
    const a = Float64Array.from(xy)
    return r.toLonLat(a) ? Array.from(a) : null
  }

  it('leaves lon/lat CRSs alone', () => {
    for (const crs of [undefined, null, 'OGC:CRS84', 'EPSG:4326', { id: { authority: 'OGC', code: 'CRS84' } }]) {
      expect(resolveCrs(crs).kind).toBe('lonlat')
    }
  })

  it('reprojects Web Mercator (by any of its names) with the spherical formulas', () => {
    const R = 6378137
    const x = (R * 10 * Math.PI) / 180
    const y = R * Math.log(Math.tan(Math.PI / 4 + (50 * Math.PI) / 360))
    for (const crs of ['EPSG:3857', 'EPSG:900913', 'ESRI:102100', { id: { authority: 'EPSG', code: 3857 } }]) {
      const [lon, lat] = toLonLat(crs, [x, y]) as number[]
      expect(lon).toBeCloseTo(10, 12)
      expect(lat).toBeCloseTo(50, 12)
    }
  })

  it('reprojects UTM north and south, NAD83 and ETRS89 UTM, and the extra projections', () => {
    // Central meridian, 500 km false easting: exactly on the meridian.
    expect(toLonLat('EPSG:32603', [500000, 0])).toEqual([-165, 0])
    // 10°S on the central meridian: 10 000 km minus the meridian arc to 10° (1 105 854.83 m) × k0.
    const [lon, lat] = toLonLat('EPSG:32733', [500000, 10000000 - 1105854.83 * 0.9996]) as number[]
    expect(lon).toBeCloseTo(15, 9)
    expect(lat).toBeCloseTo(-10, 6)
    expect((toLonLat('EPSG:26910', [500000, 4000000]) as number[])[0]).toBeCloseTo(-123, 9)
    expect((toLonLat('EPSG:25832', [500000, 5000000]) as number[])[0]).toBeCloseTo(9, 9)
    // LAEA Europe's false origin is its centre (10°E, 52°N).
    const laea = toLonLat('EPSG:3035', [4321000, 3210000]) as number[]
    expect(laea[0]).toBeCloseTo(10, 9)
    expect(laea[1]).toBeCloseTo(52, 9)
  })

  it('keeps a ring continuous across the antimeridian', () => {
    // Two points either side of 180° at 10°N in UTM 60N (central meridian 177°E; 180° is near
    // easting 829 km there).
    const r = resolveCrs('EPSG:32660')
    if (r.kind !== 'reproject') throw new Error('not reprojected')
    const pts = Float64Array.from([820000, 1105000, 840000, 1105000])
    expect(r.toLonLat(pts)).toBe(true)
    expect(pts[0]).toBeLessThan(180)
    expect(pts[2]).toBeGreaterThan(180)
    expect((pts[2] as number) - (pts[0] as number)).toBeCloseTo(0.1826, 3)
  })

  it('says why a CRS is unsupported, without throwing', () => {
    const byCode = resolveCrs({ type: 'ProjectedCRS', name: 'CH1903+ / LV95', id: { authority: 'EPSG', code: 2056 } })
    expect(byCode).toMatchObject({ kind: 'unsupported', label: 'EPSG:2056' })
    expect(resolveCrs('nonsense').kind).toBe('unsupported')
    expect(resolveCrs({ name: 'WGS 84' }).kind).toBe('unsupported')
    expect(resolveCrs('PROJCS["broken"').kind).toBe('unsupported')
    expect(resolveCrs(JSON.stringify(4326)).kind).toBe('unsupported')
  })

  it('fails a point outside the projection instead of inventing one', () => {
    expect(toLonLat('EPSG:3857', [0, Infinity])).toBeNull()
  })
})

describe('bboxToLonLat', () => {
  it('samples the edges, so a projected box becomes the lon/lat box around it', () => {
    const r = resolveCrs('EPSG:32603')
    const bb = bboxToLonLat([400000, 7190200, 509800, 7300000], r) as number[]
    // The west edge bows out at the north (meridians converge): the NW corner is the westmost.
    expect(bb[0]).toBeLessThan(-167.1)
    expect(bb[2]).toBeGreaterThan(-164.8)
    expect(bb[1]).toBeGreaterThan(64.8)
    expect(bb[3]).toBeLessThan(65.85)
    expect(bboxToLonLat([1, 2, 3, 4], resolveCrs(null))).toEqual([1, 2, 3, 4])
    expect(bboxToLonLat([1, 2, 3, 4], resolveCrs('EPSG:2056'))).toBeNull()
  })
})
