import { describe, expect, it } from 'vitest'
import { chooseAreaMode, type DatasetModelFacts } from './area-mode.ts'
import { areaGeometry, defaultDates } from './area-encoder.ts'
import { CLAY_V15_SENTINEL_2, TEST_ENCODER } from '../../resources/models.ts'

const facts = (f: Partial<DatasetModelFacts>): DatasetModelFacts => ({ catalogModel: null, catalogStac: null, sourceModel: null, dims: null, ...f })

describe('chooseAreaMode', () => {
  it('runs the encoder for a set whose file names the test encoder, with the manifest’s STAC API', () => {
    const c = chooseAreaMode(facts({ sourceModel: 'chipfinder-test-encoder-v1', dims: 64 }))
    expect(c.mode).toBe('encoder')
    expect(c.model).toBe(TEST_ENCODER)
    expect(c.stac).toBe('https://earth-search.aws.element84.com/v1')
  })

  it('takes the catalog entry’s model and STAC API first', () => {
    const c = chooseAreaMode(facts({ catalogModel: 'chipfinder-test-encoder-v1', catalogStac: 'http://127.0.0.1:1/stac' }))
    expect(c).toMatchObject({ mode: 'encoder', stac: 'http://127.0.0.1:1/stac', reason: null })
  })

  it('answers Clay v0 (no model named, or one that can’t run here) from the stored vectors', () => {
    expect(chooseAreaMode(facts({ dims: 768 }))).toMatchObject({ mode: 'stored', reason: null })
    const c = chooseAreaMode(facts({ sourceModel: 'clay-v0', dims: 768 }))
    expect(c.mode).toBe('stored')
    expect(c.reason).toMatch(/clay-v0.*can't run in a browser/)
  })

  it('falls back to stored vectors, and says so, when the model’s weights aren’t hosted', () => {
    const c = chooseAreaMode(facts({ sourceModel: 'clay-v1.5', dims: 1024 }))
    expect(c.mode).toBe('stored')
    expect(c.reason).toContain(CLAY_V15_SENTINEL_2.manifest.name)
    expect(c.reason).toMatch(/isn't available/)
  })

  it('refuses to mix spaces: other dims, or a file made by another model than the catalog says', () => {
    const dims = chooseAreaMode(facts({ catalogModel: 'chipfinder-test-encoder-v1', dims: 768 }))
    expect(dims.mode).toBe('stored')
    expect(dims.reason).toMatch(/64 numbers.*768.*not in the same space/)
    const other = chooseAreaMode(facts({ catalogModel: 'chipfinder-test-encoder-v1', sourceModel: 'clay-v1.5', dims: 64 }))
    expect(other.mode).toBe('stored')
    expect(other.reason).toMatch(/file says clay-v1.5.*can't be compared/)
  })
})

describe('defaultDates', () => {
  it('is a month either side of the dataset’s dates, never past today', () => {
    const now = Date.parse('2026-11-21T10:00:00Z')
    expect(defaultDates(['2023-06-14'], now)).toEqual({ from: '2023-05-15', to: '2023-07-14' })
    expect(defaultDates(['2023-06-14', '2022-01-02'], now)).toEqual({ from: '2021-12-03', to: '2023-07-14' })
    expect(defaultDates(['2026-11-01'], now)).toEqual({ from: '2026-10-02', to: '2026-11-21' })
  })

  it('is the last four months for a dataset without dates', () => {
    expect(defaultDates([], Date.parse('2026-11-21T10:00:00Z'))).toEqual({ from: '2026-07-24', to: '2026-11-21' })
  })
})

describe('areaGeometry', () => {
  it('closes the ring of a polygon and keeps a point a point', () => {
    expect(areaGeometry({ id: 'a1', label: 'positive', shape: 'rectangle', ring: [[0, 0], [1, 0], [1, 1], [0, 1]] })).toEqual({
      type: 'Polygon',
      coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
    })
    expect(areaGeometry({ id: 'a2', label: 'negative', shape: 'point', ring: [[5, 6]] })).toEqual({ type: 'Point', coordinates: [5, 6] })
  })
})
