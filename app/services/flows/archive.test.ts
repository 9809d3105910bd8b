import { describe, expect, it } from 'vitest'
import { conventionalIndexUrl } from './archive.ts'

describe('where a folder keeps its index', () => {
  it('is chipfinder-index/index.json inside the folder, with or without its trailing slash', () => {
    expect(conventionalIndexUrl('http://127.0.0.1:4180/s3/synthetic/clay-v0-indexed/')).toBe('http://127.0.0.1:4180/s3/synthetic/clay-v0-indexed/chipfinder-index/index.json')
    expect(conventionalIndexUrl('https://data.source.coop/clay/clay-model-v0-embeddings')).toBe('https://data.source.coop/clay/clay-model-v0-embeddings/chipfinder-index/index.json')
  })
})
