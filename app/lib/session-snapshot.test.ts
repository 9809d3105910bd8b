import { describe, expect, it } from 'vitest'
import { addressHasSearch, encodeSession, parseSession, type SessionSnapshot } from './session-snapshot.ts'
import { encodeLabelsFile } from './labels-file.ts'

const session: SessionSnapshot = {
  savedAt: '2024-05-01T00:00:00.000Z',
  link: { search: '?v=2&positive=03WVN_20220610_0200&basemap=offline', hash: '' },
  localFileName: null,
  fileExamples: encodeLabelsFile({
    dataset: { url: null, file: 'l.json' },
    space: { model: 'Clay v0', family: 'clay-v0', dims: 2, sourceModel: null },
    chips: [{ id: 'elsewhere_1', label: 'positive', footprint: null, date: null, vector: new Float32Array([1, 2]) }],
    areas: [],
  }),
}

describe('session snapshot', () => {
  it('round-trips', () => {
    expect(parseSession(encodeSession(session))).toEqual({ ok: true, session })
    const local = { ...session, localFileName: 'mine.parquet', fileExamples: null }
    expect(parseSession(encodeSession(local))).toEqual({ ok: true, session: local })
  })

  it('ignores corrupt or foreign data instead of failing', () => {
    for (const bad of [null, 42, '', '{', '[]', '{"format":"other"}', encodeSession(session).replace('"version":1', '"version":9')]) {
      expect(parseSession(bad).ok).toBe(false)
    }
    const o = JSON.parse(encodeSession(session))
    expect(parseSession(JSON.stringify({ ...o, link: { search: 'javascript:alert(1)', hash: '' } })).ok).toBe(false)
    expect(parseSession(JSON.stringify({ ...o, localFileName: 7 })).ok).toBe(false)
    expect(parseSession(JSON.stringify({ ...o, fileExamples: '{"format":"chipfinder-labels","version":1}' }))).toMatchObject({ ok: false, reason: /examples from a file/ })
  })

  it('lets an address with a search of its own win over the saved one', () => {
    expect(addressHasSearch('', '', ['embed', 'allow'])).toBe(false)
    expect(addressHasSearch('?embed=1', '', ['embed', 'allow'])).toBe(false)
    expect(addressHasSearch('?basemap=offline', '', ['embed', 'allow'])).toBe(true)
    expect(addressHasSearch('', '#s&p=abc', ['embed', 'allow'])).toBe(true)
    expect(addressHasSearch('', '#section', ['embed', 'allow'])).toBe(false)
  })
})
