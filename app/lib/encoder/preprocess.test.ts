import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseManifest } from './manifest.ts'
import { buildFeeds, isoWeek, latlonVector, normaliseChip, timeVector, wavesVector, weightedMean } from './preprocess.ts'

const models = path.join(import.meta.dirname, '../../../models')
const manifest = parseManifest(JSON.parse(readFileSync(path.join(models, 'test-encoder/manifest.json'), 'utf8')))
const clay = parseManifest(JSON.parse(readFileSync(path.join(models, 'clay-v1.5-sentinel-2/manifest.json'), 'utf8')))
const PLANE = 256 * 256

/** Every band flat at `value` except the given pixels. */
function chip(values: Record<string, number>, pixels: Record<string, [number, number][]> = {}) {
  const out: Record<string, Uint16Array> = {}
  // Insert in reverse order: the cube must follow the manifest, not the object's key order.
  for (const b of [...manifest.bands].reverse()) {
    const a = new Uint16Array(PLANE).fill(values[b.name] ?? b.mean)
    for (const [i, v] of pixels[b.name] ?? []) a[i] = v
    out[b.name] = a
  }
  return out
}

describe('normaliseChip', () => {
  it('puts the bands in the manifest order and computes (raw − mean) / std per band', () => {
    // Hand-computed: B02 (mean 1105, std 1809) 2914 → 1; B04 (1552, 1888) 5328 → 2;
    // B12 (1835, 1379) 456 → −1; B8A (2785, 1648) 0 → −1.68993…; a band at its mean → 0.
    const cube = normaliseChip(chip({ B02: 2914, B12: 456 }, { B04: [[5, 5328]], B8A: [[PLANE - 1, 0]] }), manifest)
    expect(cube).toHaveLength(10 * PLANE)
    expect(cube[0 * PLANE + 123]).toBeCloseTo(1, 6) // B02 is plane 0
    expect(cube[1 * PLANE + 123]).toBe(0) // B03 at its mean
    expect(cube[2 * PLANE + 5]).toBeCloseTo(2, 6) // B04 is plane 2, pixel 5
    expect(cube[2 * PLANE + 6]).toBe(0)
    expect(cube[7 * PLANE + PLANE - 1]).toBeCloseTo(-2785 / 1648, 5) // B8A is plane 7, last pixel
    expect(cube[9 * PLANE]).toBeCloseTo(-1, 6) // B12 is plane 9
  })

  it('names the missing band', () => {
    const bands: Record<string, Uint16Array> = chip({})
    delete bands.B11
    expect(() => normaliseChip(bands, manifest)).toThrow(/no B11 band \(asset "swir16"\)/)
  })
})

describe('timeVector', () => {
  it('uses the ISO week and noon for a date alone', () => {
    // 2022-06-10 is a Friday in ISO week 23: 23·2π/52 = 2.77913 rad; noon: 12·2π/24 = π.
    const t = timeVector('2022-06-10')
    expect(t[0]).toBeCloseTo(0.3546049, 6)
    expect(t[1]).toBeCloseTo(-0.9350162, 6)
    expect(t[2]).toBeCloseTo(0, 6)
    expect(t[3]).toBeCloseTo(-1, 6)
  })

  it('takes the whole UTC hour of a full datetime', () => {
    // 22:33 UTC → hour 22: sin(22·2π/24) = sin(11π/6) = −0.5, cos = √3/2.
    const t = timeVector('2022-06-10T22:33:12.024Z')
    expect(t[0]).toBeCloseTo(0.3546049, 6)
    expect(t[2]).toBeCloseTo(-0.5, 6)
    expect(t[3]).toBeCloseTo(Math.sqrt(3) / 2, 6)
    // An offset is read as the instant it names: 01:10+02:00 is 23:10 UTC the day before.
    expect(timeVector('2022-06-11T01:10:00+02:00')[2]).toBeCloseTo(Math.sin((23 * 2 * Math.PI) / 24), 6)
  })

  it('numbers weeks as Python isocalendar does across year ends', () => {
    expect(isoWeek(new Date('2021-01-01T00:00:00Z'))).toBe(53)
    expect(isoWeek(new Date('2020-12-31T00:00:00Z'))).toBe(53)
    expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toBe(1)
    expect(isoWeek(new Date('2022-01-03T00:00:00Z'))).toBe(1)
    expect(isoWeek(new Date('2022-01-02T00:00:00Z'))).toBe(52)
  })

  it('refuses what is not a date', () => {
    expect(() => timeVector('yesterday')).toThrow(/not a date/)
  })
})

describe('latlonVector', () => {
  it('puts lon first, in radians', () => {
    // lon 30°, lat 60°: sin 30° = 0.5, cos 30° = √3/2; sin 60° = √3/2, cos 60° = 0.5.
    const v = latlonVector(30, 60)
    expect(Array.from(v, (x) => +x.toFixed(6))).toEqual([0.5, 0.866025, 0.866025, 0.5])
    expect(Array.from(latlonVector(90, 0), (x) => +x.toFixed(6))).toEqual([1, 0, 0, 1])
    expect(Array.from(latlonVector(30, 60, 'lat-first'), (x) => +x.toFixed(6))).toEqual([0.866025, 0.5, 0.5, 0.866025])
  })
})

describe('wavesVector', () => {
  it('gives micrometres in band order', () => {
    expect(Array.from(wavesVector(manifest))).toEqual([0.493, 0.56, 0.665, 0.704, 0.74, 0.783, 0.842, 0.865, 1.61, 2.19].map(Math.fround))
  })
})

describe('buildFeeds', () => {
  const chips = [
    { bands: chip({ B02: 2914 }), datetime: '2022-06-10', lon: 30, lat: 60 },
    { bands: chip({ B02: 0 }), datetime: '2022-06-10T22:00:00Z', lon: 90, lat: 0 },
  ]

  it('feeds every input of the test encoder for a batch', () => {
    const feeds = buildFeeds(manifest, chips)
    expect(Object.keys(feeds).sort()).toEqual(['cube', 'gsd', 'latlon', 'time', 'waves'])
    expect(feeds.cube!.dims).toEqual([2, 10, 256, 256])
    expect(feeds.cube!.data[0]).toBeCloseTo(1, 6)
    expect(feeds.cube!.data[10 * PLANE]).toBeCloseTo(-1105 / 1809, 6) // chip 1, B02 = 0
    expect(feeds.time!.dims).toEqual([2, 4])
    expect(feeds.time!.data[3]).toBeCloseTo(-1, 6)
    expect(feeds.time!.data[6]).toBeCloseTo(-0.5, 6)
    expect(feeds.latlon!.dims).toEqual([2, 4])
    expect(Array.from(feeds.latlon!.data.subarray(4), (x) => +x.toFixed(6))).toEqual([1, 0, 0, 1])
    expect(feeds.waves).toEqual({ data: wavesVector(manifest), dims: [10] })
    expect(feeds.gsd).toEqual({ data: Float32Array.of(10), dims: [1] })
  })

  it('leaves out waves and gsd when the export baked them in', () => {
    expect(Object.keys(buildFeeds(clay, chips)).sort()).toEqual(['cube', 'latlon', 'time'])
  })
})

describe('weightedMean', () => {
  it('weights by overlap and normalises the weights', () => {
    const flat = Float32Array.of(1, 0, 0, 1, 3, 3)
    // (3·[1,0] + 1·[0,1] + 0·[3,3]) / 4
    expect(Array.from(weightedMean(flat, [3, 1, 0], 2))).toEqual([0.75, 0.25])
    expect(Array.from(weightedMean([Float32Array.of(2, 4)], [0.1], 2))).toEqual([2, 4])
  })

  it('refuses weights that sum to nothing or do not match', () => {
    expect(() => weightedMean(Float32Array.of(1, 2), [0], 2)).toThrow(/sum to 0/)
    expect(() => weightedMean(Float32Array.of(1, 2), [1, 1], 2)).toThrow(/2 weights for 1 vectors/)
    expect(() => weightedMean(Float32Array.of(1, 2), [-1], 2)).toThrow(/≥ 0/)
  })
})
