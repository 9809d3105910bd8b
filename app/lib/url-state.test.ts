import { describe, expect, it } from 'vitest'
import { DEFAULT_URL_STATE, decodeUrlState, encodeUrlState, LIMITS, type UrlState } from './url-state.ts'

const full: UrlState = {
  dataset: 'https://data.source.coop/clay/clay-model-v0-embeddings/v02/03WVN_20220610_20220610_v001.gpq',
  positives: ['03WVN_20220610_0001', '03WVN_20220610_0042'],
  negatives: ['03WVN_20220610_0300'],
  mode: 'raw',
  method: 'classifier',
  threshold: 0.25,
  basemap: 'offline',
}

describe('url-state', () => {
  it('round-trips a full state', () => {
    const search = encodeUrlState(full)
    expect(decodeUrlState(search)).toEqual({ state: full, problems: [] })
  })

  it('writes nothing for the default state and reads nothing as the default', () => {
    expect(encodeUrlState(DEFAULT_URL_STATE)).toBe('')
    expect(decodeUrlState('')).toEqual({ state: DEFAULT_URL_STATE, problems: [] })
  })

  it('reads the link format of the first version (no v, readable dataset URL)', () => {
    const { state, problems } = decodeUrlState(
      '?dataset=http://127.0.0.1:4180/clay-v0/a.gpq&positive=03WVN_20220610_0001,03WVN_20220610_0002&negative=03WVN_20220610_0100',
    )
    expect(problems).toEqual([])
    expect(state.dataset).toBe('http://127.0.0.1:4180/clay-v0/a.gpq')
    expect(state.positives).toEqual(['03WVN_20220610_0001', '03WVN_20220610_0002'])
    expect(state.negatives).toEqual(['03WVN_20220610_0100'])
    expect(state.mode).toBe('centred')
  })

  it('keeps ids with commas, backslashes, hashes and spaces intact', () => {
    const s: UrlState = { ...DEFAULT_URL_STATE, positives: ['file, v2.parquet#12', 'a b#3', 'back\\slash,'], negatives: [] }
    const search = encodeUrlState(s)
    expect(search).not.toContain('#')
    expect(decodeUrlState(search).state.positives).toEqual(s.positives)
  })

  it('reads id lists written by URLSearchParams (commas as %2C)', () => {
    const search = `?${new URLSearchParams({ positive: 'a_1,b_2', negative: 'c_3' })}`
    expect(search).toContain('%2C')
    const { state, problems } = decodeUrlState(search)
    expect(state.positives).toEqual(['a_1', 'b_2'])
    expect(state.negatives).toEqual(['c_3'])
    expect(problems).toEqual([])
  })

  it('keeps dataset URLs with query strings and ampersands intact', () => {
    const s = { ...DEFAULT_URL_STATE, dataset: 'https://example.org/x.parquet?sig=a&b=c+d%20e' }
    expect(decodeUrlState(encodeUrlState(s)).state.dataset).toBe(s.dataset)
  })

  it('refuses non-http datasets and says so', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'not a url']) {
      const { state, problems } = decodeUrlState(`?dataset=${encodeURIComponent(bad)}`)
      expect(state.dataset).toBeNull()
      expect(problems.join(' ')).toMatch(/only http:\/\/ and https:\/\/ links can be opened/)
    }
  })

  it('drops malformed ids, duplicates and ids listed on both sides, and reports them', () => {
    const { state, problems } = decodeUrlState('?positive=a,a,b,%00x&negative=b,c')
    expect(state.positives).toEqual(['a', 'b'])
    expect(state.negatives).toEqual(['c'])
    expect(problems).toHaveLength(2)
    const garbled = decodeUrlState('?positive=a,%E0%A4%A&negative=c')
    expect(garbled.state.positives).toEqual([])
    expect(garbled.state.negatives).toEqual(['c'])
    expect(garbled.problems[0]).toMatch(/garbled/)
  })

  it('caps the number of examples', () => {
    const ids = Array.from({ length: LIMITS.examples + 5 }, (_, i) => `c${i}`)
    const { state, problems } = decodeUrlState(`?positive=${ids.join(',')}`)
    expect(state.positives).toHaveLength(LIMITS.examples)
    expect(problems[0]).toMatch(/first 500 of 505/)
  })

  it('rejects out-of-range thresholds, unknown modes and basemaps', () => {
    const { state, problems } = decodeUrlState('?threshold=7&mode=fancy&basemap=%3Cb%3E')
    expect(state.threshold).toBeNull()
    expect(state.mode).toBe('centred')
    expect(state.basemap).toBe('satellite')
    expect(problems).toHaveLength(3)
  })

  it('shares the ranking method only when it is not the default', () => {
    expect(encodeUrlState({ ...DEFAULT_URL_STATE, method: 'mean' })).toBe('')
    for (const method of ['max', 'classifier'] as const) {
      const search = encodeUrlState({ ...DEFAULT_URL_STATE, positives: ['a'], method })
      expect(search).toBe(`?v=1&positive=a&method=${method}`)
      expect(decodeUrlState(search)).toEqual({ state: { ...DEFAULT_URL_STATE, positives: ['a'], method }, problems: [] })
    }
  })

  it('reads links made before the method existed as ranking by the average example', () => {
    const { state, problems } = decodeUrlState('?v=1&positive=a&negative=b&mode=raw&threshold=0.4')
    expect(problems).toEqual([])
    expect(state).toMatchObject({ method: 'mean', mode: 'raw', threshold: 0.4 })
  })

  it('ignores an unknown or hostile method and says so, keeping the rest of the link', () => {
    for (const bad of ['fancy', '%3Cscript%3E', 'MEAN', '']) {
      const { state, problems } = decodeUrlState(`?positive=a&method=${bad}`)
      expect(state.method).toBe('mean')
      expect(state.positives).toEqual(['a'])
      expect(problems).toHaveLength(1)
      expect(problems[0]).toMatch(/Unknown ranking method .*; ranking by the average example\./)
    }
    expect(decodeUrlState('?method=%E0%A4%A').state.method).toBe('mean')
  })

  it('warns about links from a newer version but reads what it can', () => {
    const { state, problems } = decodeUrlState('?v=9&positive=a')
    expect(state.positives).toEqual(['a'])
    expect(problems[0]).toMatch(/newer version/)
  })
})
