import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const dir = path.join(import.meta.dirname, '../../models/test-encoder')

describe('the committed test encoder', () => {
  it('is the file its manifest names, byte for byte', async () => {
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'))
    const bytes = await readFile(path.join(dir, manifest.url))
    expect(bytes.length).toBe(manifest.bytes)
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifest.sha256)
  })

  it('has a reference forward pass for each batch item, of the manifest output size', async () => {
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'))
    const reference = JSON.parse(await readFile(path.join(dir, 'reference.json'), 'utf8'))
    const [batch, bands] = reference.shape
    expect(bands).toBe(manifest.bands.length)
    expect(reference.waves).toEqual(manifest.bands.map((b: { wavelength_um: number }) => Math.fround(b.wavelength_um)))
    expect(reference.embeddings).toHaveLength(batch)
    for (const e of reference.embeddings) {
      expect(e).toHaveLength(manifest.output.dims)
      expect(e.every(Number.isFinite)).toBe(true)
    }
  })
})
