import { describe, expect, it } from 'vitest'
import { DatasetError } from '../errors.ts'
import type { IndexHeader } from './header.ts'
import { assertIndexFits, parseIndexHeader, serializeIndexHeader } from './parse-header.ts'

const URL_ = 'https://example.org/clay-v0/chipfinder-index/index.json'

function header(): IndexHeader {
  return {
    format: 'chipfinder-index',
    version: 1,
    createdBy: 'chipfinder index 0.1.0',
    created: '2026-12-04T20:00:00.000Z',
    base: '../',
    identity: { family: 'clay-v0', modelLabel: 'Clay v0', dims: 768, embeddingColumn: 'embeddings', sourceModel: null },
    chips: 500,
    code: { kind: 'sign', bits: 768, bytes: 96, rotation: null },
    mean: Float32Array.from({ length: 768 }, (_, j) => Math.sin(j) / 3),
    lists: { count: 2, centroids: 'centroids.f32' },
    parts: [
      { path: 'codes-00000.parquet', bytes: 4000, chips: 417, groups: [{ list: 0, chips: 400 }, { list: 1, chips: 17 }] },
      { path: 'codes-00001.parquet', bytes: 900, chips: 83, groups: [{ list: 1, chips: 83 }] },
    ],
    sources: [
      { key: 'v02/03WVN/03WVN_20220610_20220610_v001.gpq', bytes: 1831543, etag: '"5f2"', rows: 417, chips: 417 },
      { key: 'v02/x.gpq', bytes: 100, etag: null, rows: 90, chips: 83 },
    ],
    skipped: [{ key: 'v02/bad.gpq', reason: "bad.gpq isn't a Parquet file" }],
  }
}

/** The header as a reader gets it: JSON text, parsed. */
function json(h: IndexHeader = header()): Record<string, unknown> {
  return JSON.parse(serializeIndexHeader(h)) as Record<string, unknown>
}

function refusal(value: unknown): string {
  try {
    parseIndexHeader(value, URL_)
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError)
    expect((err as DatasetError).code).toBe('bad-index')
    return (err as DatasetError).message
  }
  throw new Error('the header was accepted')
}

describe('index.json', () => {
  it('round-trips every field, the mean bit for bit', () => {
    const h = header()
    const back = parseIndexHeader(json(h), URL_)
    expect(back).toEqual(h)
    expect(Buffer.from(back.mean.buffer).equals(Buffer.from(h.mean.buffer))).toBe(true)
    expect(serializeIndexHeader(back)).toBe(serializeIndexHeader(h))
  })

  it('refuses a version it does not know, saying which it reads', () => {
    expect(refusal({ ...json(), version: 2 })).toMatch(/is version 2; this app reads version 1\. Update the app/)
    expect(refusal({ ...json(), format: 'something-else' })).toMatch(/not a Chipfinder archive index/)
  })

  it('refuses malformed and truncated headers, naming the field', () => {
    expect(refusal(null)).toMatch(/the file should be an object/)
    expect(refusal([])).toMatch(/the file should be an object/)
    const { parts: _parts, ...noParts } = json()
    expect(refusal(noParts)).toMatch(/parts should be a list/)
    expect(refusal({ ...json(), chips: '500' })).toMatch(/chips should be a whole number/)
    expect(refusal({ ...json(), chips: 501 })).toMatch(/says it has 501 chips but its code files hold 500/)
    const j = json()
    ;(j.parts as { groups: { chips: number }[] }[])[1]!.groups[0]!.chips = 80
    expect(refusal(j)).toMatch(/parts\[1\] says it has 83 chips but its row groups hold 80/)
    expect(refusal({ ...json(), code: { kind: 'sign', bits: 768, bytes: 128, rotation: null } })).toMatch(/code\.bytes is 128; 768-d codes take 96 bytes/)
    expect(refusal({ ...json(), mean: (json().mean as string).slice(0, 400) })).toMatch(/mean holds 300 bytes; 768 float32 values \(3072 bytes\) are needed/)
    expect(refusal({ ...json(), mean: '!!!' })).toMatch(/mean is not base64/)
    const escape = json()
    ;(escape.parts as { path: string }[])[0]!.path = '../../elsewhere.parquet'
    expect(refusal(escape)).toMatch(/parts\[0\]\.path should be a path inside the index's folder/)
    const badList = json()
    ;(badList.parts as { groups: { list: number }[] }[])[0]!.groups[0]!.list = 2
    expect(refusal(badList)).toMatch(/groups\[0\]\.list should be a whole number from 0 to 1/)
    expect(refusal({ ...json(), identity: { ...(json().identity as object), family: 'mystery' } })).toMatch(/identity\.family 'mystery'/)
    // every message says what to do
    expect(refusal({ ...json(), skipped: 3 })).toMatch(/Rebuild it with `npm run index`/)
  })

  it('refuses an index made for other embeddings than the open set', () => {
    const h = parseIndexHeader(json(), URL_)
    expect(() => assertIndexFits(h, { family: 'clay-v0', modelLabel: 'Clay v0', dims: 768, embeddingColumn: 'embeddings', sourceModel: null }, URL_)).not.toThrow()
    expect(() => assertIndexFits(h, { family: 'clay-v1.5', modelLabel: 'Clay v1.5', dims: 1024, embeddingColumn: 'embeddings', sourceModel: null }, URL_)).toThrow(
      /This index was made for Clay v0 embeddings \(768-d\), not for this set: this file's embeddings are 768-d; the dataset's are 1024-d/,
    )
  })
})
