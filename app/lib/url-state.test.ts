import { describe, expect, it } from 'vitest'
import {
  DEFAULT_URL_STATE,
  decodeUrlState,
  encodeUrlParts,
  encodeUrlState,
  joinCompactIdList,
  LIMITS,
  QUERY_BUDGET,
  roundLossFilter,
  roundThreshold,
  roundView,
  splitCompactIdList,
  type UrlArea,
  type UrlState,
} from './url-state.ts'
import { BASEMAPS, RANK_METHODS } from './vocabulary.ts'
// A seeded PRNG, so the property test is the same on every run.
import { mulberry32 } from '../../scripts/lib/prng.mjs'

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

describe('url-state version 3', () => {
  const v3: UrlState = {
    ...full,
    resultCount: 50,
    view: { lon: -163.07531, lat: 65.11, zoom: 9.5 },
    lossFilter: [0.0125, 0.5],
  }

  it('writes groups of ids that share a prefix once, and reads them back', () => {
    expect(joinCompactIdList(['03WVN_20220610_0200', '03WVN_20220610_0042'])).toBe('03WVN_20220610_0(200,042)')
    expect(joinCompactIdList(['03WVN_20220610_0001', '03WVN_20220610_0002', '03WVN_20220610_0100', 'x', 'abc', 'abcd'])).toBe(
      '03WVN_20220610_0(001,002,100),x,abc(,d)',
    )
    // A group only where it is shorter.
    expect(joinCompactIdList(['ab', 'ac'])).toBe('ab,ac')
    expect(splitCompactIdList('03WVN_20220610_0(200,042),x,abc(,d)')).toEqual([
      '03WVN_20220610_0200',
      '03WVN_20220610_0042',
      'x',
      'abc',
      'abcd',
    ])
    const odd = ['a(b)', 'a(b)c', 'x,y', 'p\\q', 'p\\qr', '(', ')', ',', '\\', 'é😀1', 'é😀2', '😀a', '😃b']
    const text = joinCompactIdList(odd)
    expect(splitCompactIdList(text)).toEqual(odd)
    // Never splits a surrogate pair (which percent-encoding would refuse).
    expect(() => encodeURIComponent(text)).not.toThrow()
  })

  it("keeps 'search only on the map' in the link, and reads 'all' as the default", () => {
    const view: UrlState = { ...full, scope: 'view' }
    const search = encodeUrlState(view)
    expect(search).toMatch(/^\?v=3&.*scope=view/)
    expect(decodeUrlState(search)).toEqual({ state: view, problems: [] })
    expect(decodeUrlState('?v=3&scope=all')).toEqual({ state: DEFAULT_URL_STATE, problems: [] })
    expect(decodeUrlState('?v=3&scope=<b>').problems).toEqual(['The search scope “<b>” was ignored: it must be “view” (only the chips on the map) or “all”.'])
  })

  it('reads a literal version 3 link', () => {
    const { state, problems } = decodeUrlState(
      '?v=3&dataset=http://127.0.0.1:4180/clay-v0/a.gpq&method=max&count=50&view=-163.07531,65.11,9.5&loss=0.0125,0.5' +
        '&positive=03WVN_20220610_0(200,042)&negative=03WVN_20220610_0300',
    )
    expect(problems).toEqual([])
    expect(state).toEqual({
      ...DEFAULT_URL_STATE,
      dataset: 'http://127.0.0.1:4180/clay-v0/a.gpq',
      method: 'max',
      resultCount: 50,
      view: { lon: -163.07531, lat: 65.11, zoom: 9.5 },
      lossFilter: [0.0125, 0.5],
      positives: ['03WVN_20220610_0200', '03WVN_20220610_0042'],
      negatives: ['03WVN_20220610_0300'],
    })
  })

  it('writes version 3 only for what needs it, and round-trips it', () => {
    const search = encodeUrlState(v3)
    expect(search).toMatch(/^\?v=3&/)
    expect(search).toContain('count=50&view=-163.07531,65.11,9.5&loss=0.0125,0.5')
    expect(search).toContain('positive=03WVN_20220610_00(01,42)&negative=03WVN_20220610_0300')
    expect(decodeUrlState(search)).toEqual({ state: v3, problems: [] })
    expect(encodeUrlState(full)).toMatch(/^\?v=2&/)
  })

  it('reads literal links of versions 1 and 2 as before, brackets in ids included', () => {
    const v1 = decodeUrlState('?positive=a(b),c(d,e)&negative=f%5C,g')
    expect(v1).toEqual({ state: { ...DEFAULT_URL_STATE, positives: ['a(b)', 'c(d', 'e)'], negatives: ['f,g'] }, problems: [] })
    const v2 = decodeUrlState(
      '?v=2&dataset=http://127.0.0.1:4180/demo.gpq&positive=x(1)&mode=raw&threshold=0.3&basemap=plain' +
        '&areas=p:box:_zilK~mnb%5E?owH_%7CB??nwH;n:pt:??:2024-05-01/2024-07-31:S2A_1&model=m1&stac=https://stac.example/v1',
    )
    expect(v2.problems).toEqual([])
    expect(v2.state).toEqual({
      ...DEFAULT_URL_STATE,
      dataset: 'http://127.0.0.1:4180/demo.gpq',
      positives: ['x(1)'],
      mode: 'raw',
      threshold: 0.3,
      basemap: 'plain',
      areas: [
        {
          label: 'positive',
          shape: 'rectangle',
          ring: [
            [-163.1, 65.1],
            [-163.05, 65.1],
            [-163.05, 65.12],
            [-163.1, 65.12],
          ],
        },
        { label: 'negative', shape: 'point', ring: [[0, 0]], dates: { from: '2024-05-01', to: '2024-07-31' }, scene: 'S2A_1' },
      ],
      model: 'm1',
      stac: 'https://stac.example/v1',
    })
  })

  it('moves what does not fit in 1,800 characters of query to the #s& fragment, and reads both', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `tile${i % 7}_2022061${i % 3}_${String(i * 37).padStart(5, '0')}_x${i}`)
    const s: UrlState = { ...DEFAULT_URL_STATE, dataset: 'https://example.org/a.gpq', positives: ids, negatives: [], areas: [] }
    const { search, hash } = encodeUrlParts(s)
    expect(search).toBe('?v=3&dataset=https://example.org/a.gpq')
    expect(hash).toMatch(/^#s&positive=/)
    expect(decodeUrlState(search, hash)).toEqual({ state: s, problems: [] })
    expect(encodeUrlState(s)).toBe(search + hash)
    expect(decodeUrlState(search + hash)).toEqual({ state: s, problems: [] })
    // Another page's fragment is not ours; the query wins over the fragment.
    expect(decodeUrlState('?v=3&positive=a', '#positive=b').state.positives).toEqual(['a'])
    expect(decodeUrlState('?v=3&positive=a', '#s&positive=b&count=7').state).toMatchObject({ positives: ['a'], resultCount: 7 })
  })

  it('drops each bad version 3 field with a sentence and keeps the rest', () => {
    const cases: [string, RegExp][] = [
      ['count=0', /result count “0” was ignored/],
      ['count=12.5', /whole number/],
      ['count=99999999', /whole number/],
      ['view=200,0,3', /map view “200,0,3” was ignored/],
      ['view=1,2', /longitude,latitude,zoom/],
      ['view=1,2,30', /longitude,latitude,zoom/],
      ['view=0x10,2,3', /longitude,latitude,zoom/],
      ['view=%3Cscript%3E', /map view “<script>” was ignored/],
      ['loss=5,1', /loss filter “5,1” was ignored/],
      ['loss=NaN,1', /two numbers/],
      ['loss=1,2,3', /two numbers/],
      ['loss=Infinity,1', /two numbers/],
      ['positive=a(b', /brackets don’t match/],
      ['positive=a(b)c', /brackets don’t match/],
      ['positive=a((b))', /brackets don’t match/],
      ['positive=a)', /brackets don’t match/],
    ]
    for (const [bad, why] of cases) {
      const { state, problems } = decodeUrlState(`?v=3&${bad}&negative=n(1,2)&count=9&basemap=plain`)
      expect(problems, bad).toHaveLength(1)
      expect(problems[0], bad).toMatch(why)
      expect(state.negatives, bad).toEqual(['n1', 'n2'])
      expect(state.basemap, bad).toBe('plain')
      if (!bad.startsWith('count')) expect(state.resultCount, bad).toBe(9)
    }
  })

  it('caps oversized links and id lists with a message', () => {
    const huge = `?v=3&positive=${'a'.repeat(LIMITS.linkLength)}&count=5`
    const { state, problems } = decodeUrlState(huge, '#s&count=6')
    expect(problems[0]).toMatch(/only the first 200000 were read/)
    expect(state.positives).toEqual([])
    expect(state.resultCount).toBeUndefined()
    const long = decodeUrlState(`?v=3&positive=${'a,'.repeat(70_000)}&count=5`)
    expect(long.problems).toEqual(['The positive examples were ignored: the list is too long to be real.'])
    expect(long.state.resultCount).toBe(5)
  })

  it('round-trips random states (property test)', () => {
    const rand = mulberry32(20261121)
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1))
    const pick = <T,>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!
    const odd = [',', '\\', '(', ')', '#', '&', '=', '%', '+', ' ', ';', ':', '/', '?', 'é', '😀', '中', '_', '-', '.']
    const randomId = (): string => {
      if (rand() < 0.6) return `${pick(['03WVN', '10SEG', '32TNS'])}_2022061${int(0, 9)}_${String(int(0, 9999)).padStart(4, '0')}`
      let id = ''
      for (let n = int(1, 24); n > 0; n--) id += rand() < 0.3 ? pick(odd) : String.fromCharCode(int(97, 122))
      return id
    }
    const lonLat = () => [Math.round((rand() * 340 - 170) * 1e5) / 1e5, Math.round((rand() * 140 - 70) * 1e5) / 1e5] as const
    const randomArea = (): UrlArea => {
      const label = rand() < 0.5 ? ('positive' as const) : ('negative' as const)
      const shape = pick(['rectangle', 'polygon', 'point'] as const)
      const [lon, lat] = lonLat()
      const r = 0.001 + rand() * 0.3
      const round = (v: number) => Math.round(v * 1e5) / 1e5
      const ring: [number, number][] =
        shape === 'point'
          ? [[lon, lat]]
          : shape === 'rectangle'
            ? [
                [lon, lat],
                [round(lon + r), lat],
                [round(lon + r), round(lat + r)],
                [lon, round(lat + r)],
              ]
            : Array.from({ length: int(3, 12) }, (_, k) => {
                const a = (2 * Math.PI * k) / 12
                return [round(lon + r * Math.cos(a)), round(lat + r * Math.sin(a))] as [number, number]
              })
      const area: UrlArea = { label, shape, ring }
      if (rand() < 0.4) area.dates = { from: `2024-0${int(1, 4)}-1${int(0, 9)}`, to: `2024-0${int(5, 9)}-2${int(0, 8)}` }
      if (rand() < 0.3) area.scene = `S2${pick(['A', 'B'])}_${int(10, 60)}TNS_2024061${int(0, 9)}_0_L2A`
      return area
    }
    let fragments = 0
    for (let k = 0; k < 300; k++) {
      const seen = new Set<string>()
      const ids = (n: number) => {
        const out: string[] = []
        while (out.length < n) {
          const id = randomId()
          if (!seen.has(id)) {
            seen.add(id)
            out.push(id)
          }
        }
        return out
      }
      const sizes = [0, 1, 2, 5, 20, 100, 500]
      const areas = Array.from({ length: pick([0, 0, 1, 2, 3, 20]) }, randomArea)
      const s: UrlState = {
        dataset: rand() < 0.2 ? null : `https://example.org/${'d'.repeat(int(1, rand() < 0.1 ? 1900 : 40))}.gpq?sig=a&b=c d`,
        positives: ids(pick(sizes)),
        negatives: ids(pick(sizes)),
        mode: pick(['centred', 'raw'] as const),
        method: pick(RANK_METHODS),
        threshold: rand() < 0.3 ? null : roundThreshold(rand() * 2 - 1),
        basemap: pick(BASEMAPS),
        areas,
        model: areas.length && rand() < 0.5 ? 'clay-v1.5-encoder' : null,
        stac: areas.length && rand() < 0.5 ? 'https://earth-search.aws.element84.com/v1' : null,
      }
      if (rand() < 0.7) s.resultCount = int(1, LIMITS.resultCount)
      if (rand() < 0.7) s.view = { lon: rand() * 360 - 180, lat: rand() * 170 - 85, zoom: rand() * 22 }
      if (rand() < 0.5) {
        const a = rand() * 3
        s.lossFilter = [a, a + rand() * 2]
      }
      const expected: UrlState = { ...s }
      if (s.view) expected.view = roundView(s.view)
      if (s.lossFilter) expected.lossFilter = roundLossFilter(s.lossFilter)
      const { search, hash } = encodeUrlParts(s)
      expect(search.length, `state ${k}`).toBeLessThanOrEqual(QUERY_BUDGET)
      if (hash) fragments++
      expect(decodeUrlState(search, hash), `state ${k}`).toEqual({ state: expected, problems: [] })
    }
    // The generator reaches both kinds of link.
    expect(fragments).toBeGreaterThan(30)
    expect(fragments).toBeLessThan(270)
  })
})
