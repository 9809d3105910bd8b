// The link as the page reads and writes it: the store round-trips through shareLink and
// readUrlIntoStore (the same search comes back), and the "opening a shared search" state.
import { beforeEach, describe, expect, it } from 'vitest'
import { useAppStore } from '../../state/store.ts'
import { DEFAULT_RESULT_COUNT } from '../../lib/vocabulary.ts'
import { keptParams, readUrlIntoStore, shareableState, shareLink } from './url-sync.ts'

const initial = useAppStore.getState()
const LOCATION = { origin: 'https://chipfinder.example', pathname: '/app/' }

function splitLink(link: string): { search: string; hash: string } {
  const url = new URL(link)
  return { search: url.search, hash: url.hash }
}

describe('url-sync', () => {
  beforeEach(() => useAppStore.setState(initial, true))

  it('gives back the whole search from its share link: examples, areas, settings, count, view, filter', () => {
    useAppStore.setState({
      datasetUrl: 'https://data.example/clay/v0/03WVN_20220610_20220610_v001.gpq',
      positives: ['03WVN_20220610_0200', '03WVN_20220610_0042'],
      negatives: ['03WVN_20220610_0311'],
      areas: [{ id: 'a1', label: 'positive', shape: 'rectangle', ring: [[-155.1, 63.2], [-155, 63.2], [-155, 63.3], [-155.1, 63.3]] }],
      mode: 'raw',
      method: 'max',
      threshold: 0.4321,
      basemap: 'plain',
      resultCount: 200,
      mapView: { lon: -155.05, lat: 63.25, zoom: 9.5 },
      lossFilter: [0.1, 0.25],
    })
    const before = shareableState(useAppStore.getState())
    const link = shareLink(useAppStore.getState(), LOCATION)!
    expect(link.startsWith('https://chipfinder.example/app/?v=3&')).toBe(true)
    expect(link).toContain('03WVN_20220610_0(200,042)')

    useAppStore.setState(initial, true)
    const { search, hash } = splitLink(link)
    readUrlIntoStore(search, hash)
    const s = useAppStore.getState()
    expect(shareableState(s)).toEqual(before)
    expect(s.notices).toEqual([])
    // The map opens at the link's view and the first dataset load doesn't move it.
    expect(s.linkView).toEqual({ lon: -155.05, lat: 63.25, zoom: 9.5 })
    expect(s.sharedOpen).toEqual({ examples: 3, areas: 1 })
  })

  it('leaves the defaults out of the link, and an empty search opens with nothing to wait for', () => {
    expect(shareLink(useAppStore.getState(), LOCATION)).toBe('https://chipfinder.example/app/')
    readUrlIntoStore('', '')
    const s = useAppStore.getState()
    expect(s.resultCount).toBe(DEFAULT_RESULT_COUNT)
    expect(s.sharedOpen).toBeNull()
    expect(s.linkView).toBeNull()
  })

  it('has no link for a file opened from this computer', () => {
    useAppStore.setState({ localFileName: 'mine.parquet', positives: ['x'] })
    expect(shareLink(useAppStore.getState(), LOCATION)).toBeNull()
  })

  it('keeps what it can of a hostile link and says what it ignored', () => {
    readUrlIntoStore('?dataset=javascript:alert(1)&count=99999999&view=500,0,3&positive=<img src=x onerror=alert(1)>,ok_1', '')
    const s = useAppStore.getState()
    expect(s.datasetUrl).toBeNull()
    // An id is only ever data: kept as written, shown as text (the dataset then says it has no such chip).
    expect(s.positives).toEqual(['<img src=x onerror=alert(1)>', 'ok_1'])
    expect(s.resultCount).toBe(DEFAULT_RESULT_COUNT)
    expect(s.linkView).toBeNull()
    expect(s.notices).toHaveLength(1)
    expect(s.notices[0]!.text).toMatch(/^Part of this link was ignored\. .*javascript:alert\(1\).*result count.*map view/)
  })

  it('keeps the embed parameters, and only those, when it rewrites the address', () => {
    expect(keptParams('?v=3&embed=1&foo=bar&allow=https%3A%2F%2Fa.example%2Chttps%3A%2F%2Fb.example')).toBe(
      '&embed=1&allow=https%3A%2F%2Fa.example%2Chttps%3A%2F%2Fb.example',
    )
    expect(keptParams('?v=3&positive=x')).toBe('')
  })
})
