import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ManifestError, parseManifest } from './manifest.ts'

const models = path.join(import.meta.dirname, '../../../models')
const read = (id: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(models, id, 'manifest.json'), 'utf8'))

describe('parseManifest', () => {
  it('reads the committed test encoder: every input fed, 10 Sentinel-2 bands in order', () => {
    const m = parseManifest(read('test-encoder'))
    expect(m.id).toBe('chipfinder-test-encoder-v1')
    expect(m.embeddingSpace).toBe('chipfinder-test-encoder-v1')
    expect(m.output).toEqual({ name: 'embeddings', dims: 64 })
    expect(m.url).toBe('encoder.onnx')
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(m.bytes).toBe(444336)
    expect(m.chipSizePx).toBe(256)
    expect(m.gsdM).toBe(10)
    expect(m.imagery).toEqual({ collection: 'sentinel-2-l2a', stac: 'https://earth-search.aws.element84.com/v1', resample20m: 'nearest' })
    expect(m.bands.map((b) => b.name)).toEqual(['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'])
    expect(m.bands[0]).toEqual({ name: 'B02', asset: 'blue', mean: 1105, std: 1809, wavelengthUm: 0.493, gsdM: 10 })
    expect(m.bands[9]).toEqual({ name: 'B12', asset: 'swir22', mean: 1835, std: 1379, wavelengthUm: 2.19, gsdM: 20 })
    expect(m.inputs.cube.name).toBe('cube')
    expect(m.inputs.time).toEqual({ name: 'time', fill: 'week-hour' })
    expect(m.inputs.latlon).toEqual({ name: 'latlon', fill: 'lon-first' })
    expect(m.inputs.waves?.name).toBe('waves')
    expect(m.inputs.gsd?.name).toBe('gsd')
  })

  it('reads the Clay v1.5 browser manifest: waves and gsd baked in, no checksum yet', () => {
    const m = parseManifest(read('clay-v1.5-sentinel-2'))
    expect(m.embeddingSpace).toBe('clay-v1.5')
    expect(m.output.dims).toBe(1024)
    expect(m.sha256).toBeNull()
    expect(m.bytes).toBeNull()
    expect(m.precision).toBe('fp16')
    expect(m.inputs.waves).toBeNull()
    expect(m.inputs.gsd).toBeNull()
    expect(m.inputs.latlon?.fill).toBe('lon-first')
    expect(m.bands).toHaveLength(10)
  })

  const base = read('test-encoder')
  const bad: [string, (m: Record<string, unknown>) => void, RegExp][] = [
    ['not an object', () => {}, /the manifest must be an object/],
    ['no output dims', (m) => ((m.output as Record<string, unknown>).dims = 0), /"output.dims" must be greater than 0/],
    ['nanometres', (m) => (((m.bands as Record<string, unknown>[])[2]!).wavelength_um = 665), /micrometres, not nanometres/],
    ['zero std', (m) => (((m.bands as Record<string, unknown>[])[0]!).std = 0), /bands\[0\].std" must be greater than 0/],
    ['no bands', (m) => (m.bands = []), /"bands" must be a non-empty list/],
    ['a bad checksum', (m) => (m.sha256 = 'abc'), /"sha256" must be 64 hexadecimal digits/],
    ['a javascript: url', (m) => (m.url = 'javascript:alert(1)'), /"url" must be an http\(s\) link/],
    ['a file: stac', (m) => ((m.imagery as Record<string, unknown>).stac = 'file:///etc'), /"imagery.stac" must be an http\(s\) link/],
    ['an unknown latlon order', (m) => ((m.inputs as Record<string, Record<string, unknown>>).latlon!.fill = 'xy'), /"inputs.latlon.fill"/],
    ['no embedding space', (m) => delete m.embedding_space, /"embedding_space" must be a non-empty string/],
    ['a float16 input', (m) => ((m.inputs as Record<string, Record<string, unknown>>).cube!.dtype = 'float16'), /"inputs.cube".dtype/],
    ['a 15 m band', (m) => (((m.bands as Record<string, unknown>[])[3]!).gsd_m = 15), /whole multiple/],
    ['waves twice', (m) => (m.constants = { waves: 'baked' }), /both an input and a constant/],
  ]
  for (const [what, mutate, message] of bad) {
    it(`refuses a manifest with ${what}, saying which field`, () => {
      const m = structuredClone(base)
      mutate(m)
      const json = what === 'not an object' ? 'nope' : m
      expect(() => parseManifest(json)).toThrow(ManifestError)
      expect(() => parseManifest(json)).toThrow(message)
    })
  }
})
