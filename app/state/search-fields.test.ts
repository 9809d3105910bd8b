// The one list of a search's fields: every part of a link comes from it, and a change to any of
// its store keys (and only those) is a change of the search.
import { describe, expect, it } from 'vitest'
import { DEFAULT_URL_STATE, decodeUrlState, encodeUrlParts, type UrlState } from '../lib/url-state.ts'
import { useAppStore, type AppState } from './store.ts'
import { anyChanged, SEARCH_KEYS, searchOf, storeFieldsOf } from './search-fields.ts'

const initial = useAppStore.getState()

describe('search fields', () => {
  it('write every field a link has, and read back what they wrote', () => {
    const s: AppState = {
      ...initial,
      datasetUrl: 'https://data.example/x.parquet',
      positives: ['p1'],
      negatives: ['n1'],
      mode: 'raw',
      method: 'classifier',
      threshold: 0.123456,
      basemap: 'offline',
      areas: [{ id: 'a7', label: 'negative', shape: 'point', ring: [[1, 2]] }],
      datasetModel: { modelId: 'test-encoder', stac: 'https://stac.example/v1' },
      resultCount: 500,
      mapView: { lon: 1, lat: 2, zoom: 3 },
      lossFilter: [0.1, 0.2],
    }
    const link = searchOf(s)
    // Every field of a link is written (none left to a default by forgetting it).
    for (const key of Object.keys(DEFAULT_URL_STATE) as (keyof UrlState)[]) expect(link).toHaveProperty(key)
    expect(link).toMatchObject({ resultCount: 500, view: { lon: 1, lat: 2, zoom: 3 }, lossFilter: [0.1, 0.2], threshold: 0.123 })
    const parts = encodeUrlParts(link)
    const back = storeFieldsOf(decodeUrlState(parts.search, parts.hash).state)
    expect(back).toMatchObject({
      datasetUrl: s.datasetUrl,
      positives: ['p1'],
      negatives: ['n1'],
      mode: 'raw',
      method: 'classifier',
      basemap: 'offline',
      // A link's areas are numbered when it is opened.
      areas: [{ id: 'a1', label: 'negative', shape: 'point', ring: [[1, 2]] }],
      datasetModel: s.datasetModel,
      resultCount: 500,
      linkView: s.mapView,
      mapView: s.mapView,
      lossFilter: [0.1, 0.2],
    })
  })

  it('leave the defaults out of a link (result count, view, filter)', () => {
    const link = searchOf({ ...initial, mapView: null, linkView: null, lossFilter: null })
    expect(link).not.toHaveProperty('resultCount')
    expect(link).not.toHaveProperty('view')
    expect(link).not.toHaveProperty('lossFilter')
  })

  it('say the search changed for each of its keys, and not for what is only on screen', () => {
    for (const key of SEARCH_KEYS) {
      const value = initial[key]
      const changed = { ...initial, [key]: Array.isArray(value) ? [...value] : typeof value === 'object' && value !== null ? { ...value } : `${String(value)}!` }
      expect(anyChanged(SEARCH_KEYS, changed as AppState, initial), key).toBe(true)
    }
    expect(anyChanged(SEARCH_KEYS, { ...initial, hoveredRow: 3, focus: { row: 1, seq: 1 }, pickerOpen: true } as AppState, initial)).toBe(false)
  })
})
