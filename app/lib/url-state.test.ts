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
  areas: [
    {
      label: 'positive',
      shape: 'rectangle',
      ring: [
        [-163.1, 65.1],
        [-163.05, 65.1],
        [-163.05, 65.12345],
        [-163.1, 65.12345],
      ],
    },
    { label: 'negative', shape: 'point', ring: [[12.5, -3.25]], dates: { from: '2024-05-01', to: '2024-07-31' }, scene: 'S2A_32TNS_20240612_0_L2A' },
    {
      label: 'positive',
      shape: 'polygon',
      ring: [
        [0, 0],
        [0.01, 0],
        [0.005, 0.01],
      ],
      scene: 'S2B_x',
    },
  ],
  model: 'chipfinder-test-encoder-v1',
  stac: 'http://127.0.0.1:4180/stac',
}

describe('url-state', () => {
  it('carries the model and STAC API with areas, validated', () => {
    const search = encodeUrlState(full)
    expect(search).toContain('model=chipfinder-test-encoder-v1&stac=http://127.0.0.1:4180/stac')
    // Without areas they say nothing, so they are left out.
    expect(encodeUrlState({ ...full, areas: [] })).not.toContain('model=')
    const hostile = decodeUrlState('?v=2&model=%3Cimg%20src%3Dx%3E&stac=javascript:alert(1)')
    expect(hostile.state.model).toBeNull()
    expect(hostile.state.stac).toBeNull()
    expect(hostile.problems).toEqual([
      'The model “<img src=x>” was ignored: it is not a model name.',
      'The imagery catalogue “javascript:alert(1)” was ignored: only http:// and https:// links can be used.',
    ])
  })

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

  it('reads a version 1 link (no areas) as before; writes version 2 only for links with areas', () => {
    const v1 = decodeUrlState('?v=1&positive=a&basemap=plain')
    expect(v1.problems).toEqual([])
    expect(v1.state.areas).toEqual([])
    expect(encodeUrlState(v1.state)).toBe('?v=1&positive=a&basemap=plain')
    expect(encodeUrlState(full)).toMatch(/^\?v=2&/)
  })

  it('writes areas compactly and readably', () => {
    const search = encodeUrlState({ ...DEFAULT_URL_STATE, areas: [full.areas[0]!] })
    expect(search).toMatch(/^\?v=2&areas=p:box:[^;&]+$/)
    expect(search.length).toBeLessThan(80)
  })

  it('drops hostile or malformed areas, says why, and keeps the rest', () => {
    const good = encodeUrlState({ ...DEFAULT_URL_STATE, areas: [full.areas[1]!] }).split('areas=')[1]!
    const cases: [string, RegExp][] = [
      ['p:box:%00%01', /garbled/],
      ['x:box:_p~iF~ps|U_ulLnnqC_mqNvxq`@', /label:shape:outline/],
      ['p:circle:_p~iF~ps|U_ulLnnqC_mqNvxq`@', /label:shape:outline/],
      ['p:box', /label:shape:outline/],
      ['p:pt:_p~iF~ps|U_ulLnnqC', /exactly one/],
      // A bowtie: its outline crosses itself.
      [`p:poly:${encodeURIComponent('??_ibE_ibE?~hbE~hbE_ibE')}`, /crosses itself/],
      // 100° north.
      [`p:pt:${encodeURIComponent('_gbxQ?')}`, /outside the map/],
      [`p:poly:${'_ibE_ibE'.repeat(201)}`, /more than 200 corners/],
      ['p:pt:??:2024-13-01/2024-12-01', /dates were ignored/],
      ['p:pt:??::<script>', /scene was ignored/],
      ['p:pt:??:a:b:c', /label:shape:outline/],
    ]
    for (const [bad, why] of cases) {
      const { state, problems } = decodeUrlState(`?areas=${bad};${good}`)
      expect(problems.join(' '), bad).toMatch(why)
      expect(state.areas.at(-1), bad).toEqual(full.areas[1])
    }
  })

  it('caps the number of areas', () => {
    const one = encodeUrlState({ ...DEFAULT_URL_STATE, areas: [full.areas[1]!] }).split('areas=')[1]!
    const { state, problems } = decodeUrlState(`?areas=${Array(25).fill(one).join(';')}`)
    expect(state.areas).toHaveLength(20)
    expect(problems).toEqual(['Only the first 20 of 25 drawn areas were kept.'])
  })

  it('round-trips random areas exactly at 1e-5°', () => {
    let seed = 7
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    for (let k = 0; k < 50; k++) {
      const lon = Math.round((rand() * 340 - 170) * 1e5) / 1e5
      const lat = Math.round((rand() * 160 - 80) * 1e5) / 1e5
      const d = Math.round((0.001 + rand() * 0.5) * 1e5) / 1e5
      const area = {
        label: rand() < 0.5 ? ('positive' as const) : ('negative' as const),
        shape: 'rectangle' as const,
        ring: [
          [lon, lat],
          [lon + d, lat],
          [lon + d, lat + d],
          [lon, lat + d],
        ] as [number, number][],
      }
      area.ring = area.ring.map(([x, y]) => [Math.round(x * 1e5) / 1e5, Math.round(y * 1e5) / 1e5])
      const back = decodeUrlState(encodeUrlState({ ...DEFAULT_URL_STATE, areas: [area] }))
      expect(back).toEqual({ state: { ...DEFAULT_URL_STATE, areas: [area] }, problems: [] })
    }
  })
})
