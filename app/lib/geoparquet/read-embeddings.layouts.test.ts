// readEmbeddings on one file per producer layout in shared/DATA.md (app/lib/testing/layouts.ts), plus the
// real Clay v0 sample and its footprints written in UTM: schema detection, dims from the data,
// CRS handling (lon/lat as is, anything else reprojected), bbox columns, key/value metadata, and
// the optional columns of the newer Clay schema.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { readEmbeddings } from './read-embeddings.ts'
import * as layouts from '../testing/layouts.ts'
import { DatasetError } from '../errors.ts'
import type { EmbeddingTable } from './types.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const fixturesDir = process.env.CHIPFINDER_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures')
const REAL_NAME = '03WVN_20220610_20220610_v001.gpq'
const REAL_FILE = path.join(fixturesDir, 'clay-v0', REAL_NAME)

function realBuffer(): ArrayBuffer {
  const b = readFileSync(REAL_FILE)
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
}

function ringOf(t: EmbeddingTable, k: number): number[] {
  const a = t.ringStarts[k] as number
  const b = t.ringStarts[k + 1] as number
  return Array.from(t.ringCoords.subarray(2 * a, 2 * b))
}

/** Largest coordinate difference between the table's rings and the expected ones. */
function worstRingError(t: EmbeddingTable, expected: number[][]): number {
  expect(t.summary.count).toBe(expected.length)
  let worst = 0
  expected.forEach((ring, k) => {
    const mine = ringOf(t, k)
    expect(mine.length, `ring ${k}`).toBe(ring.length)
    ring.forEach((v, i) => (worst = Math.max(worst, Math.abs((mine[i] as number) - v))))
  })
  return worst
}

function expectVectors(t: EmbeddingTable, f: layouts.LayoutFixture): void {
  expect(t.summary.dims).toBe(f.dims)
  expect(t.embeddings.length).toBe(f.rows * f.dims)
  f.vectors.forEach((v, r) => {
    const mine = t.embeddings.subarray(r * f.dims, (r + 1) * f.dims)
    // Compare without building huge arrays: the first differing index, if any.
    let firstDiff = -1
    for (let i = 0; i < v.length; i++) {
      if (mine[i] !== v[i]) {
        firstDiff = i
        break
      }
    }
    expect(firstDiff, `row ${r}`).toBe(-1)
  })
}

async function readError(buffer: ArrayBuffer, fileName: string): Promise<DatasetError> {
  try {
    await readEmbeddings(buffer, { fileName })
  } catch (err) {
    if (err instanceof DatasetError) return err
    throw err
  }
  throw new Error(`${fileName} read without error`)
}

describe('readEmbeddings across producer layouts', () => {
  it('Clay v0 (the real file): v0 family, CRS84, no key/value facts, no optional columns', async () => {
    const t = await readEmbeddings(realBuffer(), { fileName: REAL_NAME })
    expect(t.summary).toMatchObject({
      family: 'clay-v0',
      modelLabel: 'Clay v0',
      dims: 768,
      embeddingColumn: 'embeddings',
      geometryColumn: 'geometry',
      crs: 'OGC:CRS84',
      reprojected: false,
      keyValue: {},
      gsd: null,
      sourceModel: null,
      optionalColumns: [],
    })
    expect(t.extra).toEqual({})
  })

  it('Clay v1.5 NAIP: crs null is lon/lat; kv date/gsd/uri reach the summary and the dates; snappy', async () => {
    const f = layouts.clayV15Naip()
    const t = await readEmbeddings(f.buffer, { fileName: f.name })
    expect(t.summary).toMatchObject({
      family: 'clay-v1.5',
      modelLabel: 'Clay v1.5',
      embeddingColumn: 'embeddings',
      crs: 'unknown (null)',
      reprojected: false,
      gsd: 0.6,
      dates: ['2022-06-10'],
      count: 6,
    })
    expect(t.summary.keyValue).toEqual({
      date: '2022-06-10',
      gsd: '0.6',
      uri: 's3://naip-analytic/ca/2022/60cm/rgbir_cog/37122/m_3712201_ne_10_060_20220610.tif',
    })
    expect(t.dates).toEqual(Array(6).fill('2022-06-10'))
    expectVectors(t, f)
    expect(worstRingError(t, f.lonLat)).toBe(0)
    expect(t.ids[0]).toBe(`${f.name}#0`)
  })

  it('the newer Clay schema: loss, loss_metric, source_model, source_creator and the class id are read', async () => {
    const f = layouts.clayNewSchema()
    const t = await readEmbeddings(f.buffer, { fileName: f.name })
    expect(t.summary.optionalColumns).toEqual(['sourceModel', 'loss', 'lossMetric', 'sourceCreator', 'classId'])
    expect(t.summary).toMatchObject({ sourceModel: 'clay-v1.5', modelLabel: 'clay-v1.5', family: 'clay-v1.5' })
    expect(Array.from(t.extra.loss ?? [])).toEqual([0.5, 0.25, NaN, 0.125, 2])
    expect(t.extra.lossMetric).toEqual(Array(5).fill('mse'))
    expect(t.extra.sourceModel).toEqual(Array(5).fill('clay-v1.5'))
    expect(t.extra.sourceCreator).toEqual(Array(5).fill('chipfinder-tests'))
    expect(t.extra.classId?.[4]).toBe('s2:32TNR:2024-05-05:clay-v1.5:4')
    expect(t.dates).toEqual(['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04', '2024-05-05'])
    expect(t.sourceUrls[1]).toBe('https://example.org/cog/1.tif')
    expectVectors(t, f)
  })

  it('keeps the extras aligned with the kept rows when rows are skipped', async () => {
    const f = layouts.clayNewSchema(1)
    const t = await readEmbeddings(f.buffer, { fileName: f.name })
    expect(t.skipped).toEqual([{ row: 1, reason: 'embedding has NaN values' }])
    expect(Array.from(t.fileRows)).toEqual([0, 2, 3, 4])
    expect(Array.from(t.extra.loss ?? [])).toEqual([0.5, NaN, 0.125, 2])
    expect(t.extra.classId?.map((c) => c?.slice(-1))).toEqual(['0', '2', '3', '4'])
    expect(t.dates).toEqual(['2024-05-01', '2024-05-03', '2024-05-04', '2024-05-05'])
  })

  for (const dims of [1024, 256] as const) {
    it(`LGND ${dims}-d: 'embedding', chips_id ids, datetime dates, bbox from the bbox columns`, async () => {
      const f = layouts.lgnd(dims)
      const t = await readEmbeddings(f.buffer, { fileName: f.name })
      expect(t.summary).toMatchObject({ family: 'lgnd', embeddingColumn: 'embedding', dims, crs: 'OGC:CRS84', dates: ['2024-05-10', '2024-05-11'] })
      expect(t.summary.modelLabel).toBe(dims === 1024 ? 'LGND Clay v1.5' : 'LGND embeddings (256-d)')
      expect(t.ids).toEqual(Array.from({ length: 7 }, (_, i) => `37M_2024_05_${String(i).padStart(4, '0')}`))
      expect(t.summary.bbox[0]).toBeCloseTo(36.5, 12)
      expect(t.summary.bbox[1]).toBeCloseTo(-1.3, 12)
      expectVectors(t, f)
      expect(worstRingError(t, f.lonLat)).toBe(0)
    })
  }

  it('Earth Index: fixed_size_list<float>[384] written from Arrow, int64 ids, the emb entry', async () => {
    const f = layouts.earthIndex()
    const t = await readEmbeddings(f.buffer, { fileName: f.name })
    expect(t.summary).toMatchObject({ family: 'earth-index', modelLabel: 'Earth Index', embeddingColumn: 'embedding', dims: 384 })
    expect(JSON.parse(t.summary.keyValue.emb as string)).toMatchObject({ dims: 384 })
    expect(t.ids).toEqual(['1000000', '1000001', '1000002', '1000003'])
    expectVectors(t, f)
    expect(worstRingError(t, f.lonLat)).toBe(0)
  })

  it('Planet in EPSG:3857: footprints reprojected onto the lon/lat ones within 1e-9', async () => {
    const f = layouts.planetWebMercator()
    const t = await readEmbeddings(f.buffer, { fileName: f.name })
    expect(t.summary).toMatchObject({ crs: 'EPSG:3857', reprojected: true, dims: 48, dates: ['2023-09-14'] })
    expect(worstRingError(t, f.lonLat)).toBeLessThan(1e-9)
    expectVectors(t, f)
  })

  describe('UTM zone footprints (the real chips, projected to UTM 3N)', () => {
    let real: EmbeddingTable
    let rings: [number, number][][]
    beforeAll(async () => {
      real = await readEmbeddings(realBuffer(), { fileName: REAL_NAME })
      rings = Array.from({ length: real.summary.count }, (_, k) => {
        const flat = ringOf(real, k)
        return Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i] as number, flat[2 * i + 1] as number] as [number, number])
      })
    })

    const crsCases: [string, () => unknown][] = [
      ['PROJJSON with an EPSG id', () => ({ ...layouts.utmProjjson(3), id: { authority: 'EPSG', code: 32603 } })],
      ['PROJJSON written out in full, without an id', () => layouts.utmProjjson(3)],
      ['the string EPSG:32603', () => 'EPSG:32603'],
      ['an OGC URN', () => 'urn:ogc:def:crs:EPSG::32603'],
      [
        'WKT',
        () =>
          'PROJCS["WGS 84 / UTM zone 3N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],' +
          'UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],' +
          'PARAMETER["central_meridian",-165],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],' +
          'PARAMETER["false_northing",0],UNIT["metre",1]]',
      ],
    ]
    for (const [what, crs] of crsCases) {
      it(`${what}: back to the published lon/lat within 1e-9°`, async () => {
        const f = layouts.utmZone('utm.parquet', rings, crs())
        const t = await readEmbeddings(f.buffer, { fileName: f.name })
        expect(t.summary.reprojected).toBe(true)
        expect(worstRingError(t, f.lonLat)).toBeLessThan(1e-9)
        // bbox computed from the reprojected footprints, not the metres in the geo metadata.
        real.summary.bbox.forEach((v, i) => expect(t.summary.bbox[i]).toBeCloseTo(v, 9))
      })
    }

    it('a CRS given only by a code with no definition at hand is refused, by name', async () => {
      const f = layouts.utmZone('swiss.parquet', rings.slice(0, 2), { type: 'ProjectedCRS', name: 'CH1903+ / LV95', id: { authority: 'EPSG', code: 2056 } })
      const err = await readError(f.buffer, f.name)
      expect(err.code).toBe('unsupported-crs')
      expect(err.message).toMatch(/^swiss\.parquet has footprints in EPSG:2056 coordinates, which can't be converted to lon\/lat here/)
      const text = layouts.utmZone('text.parquet', rings.slice(0, 2), 'EPSG:2056')
      expect((await readError(text.buffer, text.name)).code).toBe('unsupported-crs')
    })
  })

  it('patch-level rows (196,608 values) and group-level rows (1,179,648 values) are long rows', async () => {
    for (const f of [layouts.longRows(196_608, 2), layouts.longRows(1_179_648, 1)]) {
      const t = await readEmbeddings(f.buffer, { fileName: f.name })
      expect(t.summary.count).toBe(f.rows)
      expectVectors(t, f)
      expect(t.embeddings.buffer.byteLength).toBe(f.rows * f.dims * 4)
    }
  })
})
