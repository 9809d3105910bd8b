import { describe, expect, it } from 'vitest'
import { DEFAULT_IMAGERY_MAX_ZOOM, guessLayout, parseCatalog, parseImagery } from './catalog.ts'

describe('catalog', () => {
  it('guesses what a URL points at', () => {
    expect(guessLayout('https://h/x/file.parquet')).toBe('file')
    expect(guessLayout('https://h/x/03WVN_20220610_20220610_v001.gpq')).toBe('file')
    expect(guessLayout('https://h/x/catalog.json?sig=1')).toBe('catalog')
    expect(guessLayout('https://data.source.coop/clay/clay-model-v0-embeddings/')).toBe('prefix')
    expect(guessLayout('https://data.source.coop/clay/clay-model-v0-embeddings/v02')).toBe('prefix')
  })

  it('reads entries, resolves relative links and validates them', () => {
    const c = parseCatalog(
      {
        version: 1,
        datasets: [
          { id: 'a', title: 'Set A', href: 'sets/a/', model: { name: 'Clay v0', dims: 768 }, licence: 'ODC-BY' },
          { id: 'b', title: 'Set B', href: 'https://x.org/b.parquet' },
          { id: 'evil', title: 'Evil', href: 'javascript:alert(1)' },
          { title: 'No link' },
          'nonsense',
          { id: 'a', title: 'Dup id', href: 'c/', layout: 'file', model: { dims: -4 } },
        ],
      },
      'http://127.0.0.1:4180/s3/synthetic/catalog.json',
    )
    expect(c.entries.map((e) => [e.id, e.href, e.layout])).toEqual([
      ['a', 'http://127.0.0.1:4180/s3/synthetic/sets/a/', 'prefix'],
      ['b', 'https://x.org/b.parquet', 'file'],
      ['a-6', 'http://127.0.0.1:4180/s3/synthetic/c/', 'file'],
    ])
    expect(c.entries[0]).toMatchObject({ modelName: 'Clay v0', dims: 768, licence: 'ODC-BY' })
    expect(c.entries[2]!.dims).toBeNull()
    expect(c.problems).toHaveLength(3)
  })

  it('says when a document is not a catalog', () => {
    expect(parseCatalog({ hello: 1 }, 'http://x/').problems[0]).toMatch(/not a catalog/)
    expect(parseCatalog(null, 'http://x/').entries).toEqual([])
  })

  it('reads the imagery that fits a set: a template, or tiles with a max zoom and a credit', () => {
    const c = parseCatalog(
      {
        datasets: [
          { id: 'a', title: 'A', href: 'a/', imagery: 'https://tiles.example.org/s2/{z}/{x}/{y}.jpg' },
          { id: 'b', title: 'B', href: 'b/', imagery: { tiles: 'tiles/{z}/{y}/{x}.png', maxZoom: 14, attribution: '  Imagery © Someone  ' } },
          { id: 'c', title: 'C', href: 'c/' },
        ],
      },
      'http://127.0.0.1:4180/imagery/catalog.json',
    )
    expect(c.problems).toEqual([])
    expect(c.entries.map((e) => e.imagery)).toEqual([
      { tiles: 'https://tiles.example.org/s2/{z}/{x}/{y}.jpg', maxZoom: DEFAULT_IMAGERY_MAX_ZOOM, attribution: null },
      // Relative to the catalog, like hrefs, with the placeholders kept as they were.
      { tiles: 'http://127.0.0.1:4180/imagery/tiles/{z}/{y}/{x}.png', maxZoom: 14, attribution: 'Imagery © Someone' },
      null,
    ])
  })

  it('drops imagery that is not http(s), lacks a placeholder or has a bad max zoom, keeping the entry', () => {
    const bad: [unknown, RegExp][] = [
      ['javascript:alert(1)//{z}/{x}/{y}', /only http/],
      ['data:image/png;base64,{z}{x}{y}', /only http/],
      ['file:///tiles/{z}/{x}/{y}.png', /only http/],
      ['https://t.example.org/{z}/{x}.png', /must hold \{z\}, \{x\} and \{y\}/],
      [{ tiles: 'https://t.example.org/{z}/{x}/{y}.png', maxZoom: 30 }, /maxZoom/],
      [{ tiles: 'https://t.example.org/{z}/{x}/{y}.png', maxZoom: '12' }, /maxZoom/],
      [{ url: 'https://t.example.org/{z}/{x}/{y}.png' }, /needs a tile template/],
      [42, /needs a tile template/],
      [`https://t.example.org/${'x'.repeat(3000)}/{z}/{x}/{y}`, /too long/],
    ]
    for (const [imagery, why] of bad) {
      const c = parseCatalog({ datasets: [{ id: 'a', title: 'Set A', href: 'https://x.org/a/', imagery }] }, 'https://x.org/catalog.json')
      expect(c.entries).toHaveLength(1)
      expect(c.entries[0]!.imagery).toBeNull()
      expect(c.problems).toHaveLength(1)
      expect(c.problems[0]).toMatch(/^The imagery of entry 1 \(Set A\) was ignored: /)
      expect(c.problems[0]).toMatch(why)
    }
    expect(parseImagery('https://h/{z}/{x}/{y}', 'https://x.org/')).toMatchObject({ tiles: 'https://h/{z}/{x}/{y}' })
  })
  it('reads the model id (a string or model.id) and the STAC API of an entry, http(s) only', () => {
    const c = parseCatalog(
      {
        datasets: [
          { id: 'enc', title: 'Encoded', href: 'set.parquet', model: 'chipfinder-test-encoder-v1', stac: 'stac/' },
          { id: 'v15', title: 'Clay v1.5', href: 'v15/', model: { name: 'Clay v1.5', dims: 1024, id: 'clay-v1.5-sentinel-2-l2a' }, stac: 'https://earth-search.aws.element84.com/v1' },
          { id: 'bad', title: 'Bad stac', href: 'b/', stac: 'javascript:alert(1)' },
          { id: 'none', title: 'Plain', href: 'p/' },
        ],
      },
      'http://127.0.0.1:4180/encoder/catalog.json',
    )
    expect(c.entries.map((e) => [e.modelId, e.stac])).toEqual([
      ['chipfinder-test-encoder-v1', 'http://127.0.0.1:4180/encoder/stac'],
      ['clay-v1.5-sentinel-2-l2a', 'https://earth-search.aws.element84.com/v1'],
      [null, null],
      [null, null],
    ])
    expect(c.entries[0]!.modelName).toBe('chipfinder-test-encoder-v1')
    expect(c.entries[1]!.modelName).toBe('Clay v1.5')
    expect(c.problems).toEqual(['The stac link of entry 3 (Bad stac) was ignored: only http:// and https:// links can be used.'])
  })
  it("reads an entry's archive index, relative to the catalog, http(s) only", () => {
    const c = parseCatalog(
      {
        datasets: [
          { title: 'Indexed', href: 'set/', index: 'set-index/index.json' },
          { title: 'Bad index', href: 'b/', index: 'javascript:alert(1)' },
          { title: 'Plain', href: 'p/' },
        ],
      },
      'http://127.0.0.1:4180/s3/synthetic/catalog.json',
    )
    expect(c.entries.map((e) => e.index)).toEqual(['http://127.0.0.1:4180/s3/synthetic/set-index/index.json', null, null])
    expect(c.problems).toEqual(['The index link of entry 2 (Bad index) was ignored: only http:// and https:// links can be used.'])
  })
})
