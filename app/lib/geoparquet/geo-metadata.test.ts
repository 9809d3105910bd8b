import { describe, expect, it } from 'vitest'
import { crsLabel, isLonLatCrs, parseGeoMetadata } from './geo-metadata.ts'

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
