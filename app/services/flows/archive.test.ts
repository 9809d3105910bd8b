import { describe, expect, it } from 'vitest'
import { ownIndexKey } from './archive.ts'

describe('where a folder keeps its index', () => {
  it('is chipfinder-index/index.json inside the folder, with or without its trailing slash, or at the bucket root', () => {
    expect(ownIndexKey('clay-v0-indexed/')).toBe('clay-v0-indexed/chipfinder-index/index.json')
    expect(ownIndexKey('clay/clay-model-v0-embeddings')).toBe('clay/clay-model-v0-embeddings/chipfinder-index/index.json')
    expect(ownIndexKey('')).toBe('chipfinder-index/index.json')
  })
})
