import { describe, expect, it } from 'vitest'
import { guessLayout, parseCatalog } from './catalog.ts'

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
})
