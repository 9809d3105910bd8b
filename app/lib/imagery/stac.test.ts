import { describe, expect, it } from 'vitest'
import { ImageryError } from './errors.ts'
import { datetimeInterval, parseSearchResponse, pickScene, sceneCovers, searchRequest, type AreaGeometry, type Scene } from './stac.ts'

const square = (w: number, s: number, e: number, n: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ] as [number, number][],
  ],
})
const area: AreaGeometry = { type: 'Polygon', coordinates: [[[10.1, 50.1], [10.2, 50.1], [10.2, 50.2]]] }
const JUNE = { from: '2023-06-01', to: '2023-06-30' }

function item(id: string, props: Record<string, unknown>, assets: Record<string, unknown> = { blue: { href: 'https://cogs.example.org/B02.tif' } }, geometry: unknown = square(10, 50, 11, 51)) {
  return { type: 'Feature', id, bbox: [10, 50, 11, 51], geometry, properties: { datetime: '2023-06-14T10:00:00Z', ...props }, assets }
}
const scene = (id: string, cloudCover: number | null, datetime = '2023-06-14T10:00:00Z', geometry: Scene['geometry'] = square(10, 50, 11, 51)): Scene => ({
  id,
  datetime,
  cloudCover,
  epsg: 32632,
  bbox: [10, 50, 11, 51],
  geometry,
  assets: {},
})

describe('searchRequest', () => {
  it('POSTs the collection, the closed area, whole days and the clearest first', () => {
    const { url, init } = searchRequest('https://earth-search.aws.element84.com/v1/', { collection: 'sentinel-2-l2a', area, dates: JUNE })
    expect(url).toBe('https://earth-search.aws.element84.com/v1/search')
    expect(init.method).toBe('POST')
    expect(JSON.parse(init.body as string)).toEqual({
      collections: ['sentinel-2-l2a'],
      intersects: { type: 'Polygon', coordinates: [[[10.1, 50.1], [10.2, 50.1], [10.2, 50.2], [10.1, 50.1]]] },
      datetime: '2023-06-01T00:00:00Z/2023-06-30T23:59:59Z',
      sortby: [{ field: 'properties.eo:cloud_cover', direction: 'asc' }],
      limit: 50,
    })
  })

  it('pins ids and refuses dates in the wrong order', () => {
    const { init } = searchRequest('https://x.org', { collection: 'c', area: { type: 'Point', coordinates: [1, 2] }, dates: JUNE, ids: ['S2A_X'], limit: 1 })
    expect(JSON.parse(init.body as string)).toMatchObject({ ids: ['S2A_X'], limit: 1, intersects: { type: 'Point', coordinates: [1, 2] } })
    expect(() => datetimeInterval({ from: '2023-07-01', to: '2023-06-01' })).toThrow(/after the last one/)
  })
})

describe('parseSearchResponse', () => {
  it('accepts proj:epsg or proj:code, on the item or its assets, and resolves links', () => {
    const { scenes, problems } = parseSearchResponse(
      {
        type: 'FeatureCollection',
        features: [
          item('a', { 'eo:cloud_cover': 3, 'proj:epsg': 32632 }),
          item('b', { 'eo:cloud_cover': 7, 'proj:code': 'EPSG:32633' }),
          item('c', { 'eo:cloud_cover': 9 }, { red: { href: 'red.tif', 'proj:code': 'EPSG:32734' } }),
          item('d', {}),
          item('e', { 'proj:epsg': 32632 }, { bad: { href: 'javascript:alert(1)' }, file: { href: 'file:///etc/passwd' } }),
          { id: 'f' },
          null,
        ],
      },
      'https://stac.example.org/v1/search',
    )
    expect(scenes.map((s) => [s.id, s.epsg, s.cloudCover])).toEqual([
      ['a', 32632, 3],
      ['b', 32633, 7],
      ['c', 32734, 9],
      ['e', 32632, null],
    ])
    expect(scenes[2]!.assets).toEqual({ red: 'https://stac.example.org/v1/red.tif' })
    expect(scenes[3]!.assets).toEqual({})
    expect(problems).toEqual(["Scene d was skipped: it doesn't say its projection (proj:epsg or proj:code).", 'Scene 6 was skipped: it has no id or date.'])
  })

  it('says when the answer is not a list of scenes', () => {
    expect(parseSearchResponse({ error: 'x' }, 'https://x.org/search').problems).toEqual(['The imagery search answered something that is not a list of scenes.'])
  })
})

describe('pickScene', () => {
  it('picks the least cloudy scene that covers the area; ties go to the newest', () => {
    const elsewhere = square(20, 50, 21, 51)
    const scenes = [scene('cloudy', 40), scene('clear-elsewhere', 0, undefined, elsewhere), scene('clear-old', 5, '2023-06-02T10:00:00Z'), scene('clear-new', 5, '2023-06-20T10:00:00Z'), scene('unknown', null)]
    expect(pickScene(scenes, area, { maxCloud: 50, dates: JUNE }).id).toBe('clear-new')
  })

  it('tells apart nothing found, nothing covering and everything cloudy', () => {
    const kindOf = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        return [(e as ImageryError).kind, (e as Error).message]
      }
      return null
    }
    expect(kindOf(() => pickScene([], area, { maxCloud: 50, dates: JUNE }))).toEqual(['no-scenes', 'No Sentinel-2 scene covers this area from 2023-06-01 to 2023-06-30. Widen the dates and try again.'])
    expect(kindOf(() => pickScene([scene('x', 1, undefined, square(10.15, 50, 11, 51))], area, { maxCloud: 50, dates: JUNE }))?.[0]).toBe('not-covered')
    expect(kindOf(() => pickScene([scene('x', 85), scene('y', 99)], area, { maxCloud: 50, dates: JUNE }))).toEqual([
      'all-cloudy',
      'Every Sentinel-2 scene of this area from 2023-06-01 to 2023-06-30 is at least 85 % cloudy (the limit is 50 %). Widen the dates to find a clearer day.',
    ])
  })

  it('checks coverage against the footprint, or the bbox without one', () => {
    const s = { ...scene('x', 1), geometry: null }
    expect(sceneCovers(s, area)).toBe(true)
    expect(sceneCovers(s, { type: 'Point', coordinates: [12, 50.5] })).toBe(false)
  })
})
