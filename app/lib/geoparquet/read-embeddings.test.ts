import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { geojsonToWkb, parquetWriteBuffer } from 'hyparquet-writer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFixtures } from '../../../scripts/make-fixtures.mjs'
import { readEmbeddings } from './read-embeddings.ts'
import { DatasetError, type DatasetErrorCode } from '../errors.ts'
import type { EmbeddingTable, ReadProgress } from './types.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const fixturesDir = process.env.CHIPFINDER_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures')
const REAL_NAME = '03WVN_20220610_20220610_v001.gpq'
const REAL_FILE = path.join(fixturesDir, 'clay-v0', REAL_NAME)

function readArrayBuffer(file: string): ArrayBuffer {
  const b = readFileSync(file)
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
}

async function readError(file: ArrayBuffer, fileName: string): Promise<DatasetError> {
  try {
    await readEmbeddings(file, { fileName })
  } catch (err) {
    if (err instanceof DatasetError) return err
    throw err
  }
  throw new Error(`${fileName} read without error`)
}

function ringOf(t: EmbeddingTable, k: number): number[] {
  const a = t.ringStarts[k] as number
  const b = t.ringStarts[k + 1] as number
  return Array.from(t.ringCoords.subarray(2 * a, 2 * b))
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] as number) * (b[i] as number)
    aa += (a[i] as number) ** 2
    bb += (b[i] as number) ** 2
  }
  return ab / Math.sqrt(aa * bb)
}

describe('readEmbeddings on the real Clay v0 sample', () => {
  const buffer = readArrayBuffer(REAL_FILE)
  let table: EmbeddingTable
  const progress: ReadProgress[] = []
  // Read independently, through hyparquet's row API and its own WKB→GeoJSON decoder.
  let reference: Record<string, unknown>[]
  let geoBbox: number[]

  beforeAll(async () => {
    table = await readEmbeddings(buffer, { fileName: REAL_NAME, onProgress: (p) => progress.push(p) })
    reference = await parquetReadObjects({ file: buffer, compressors })
    const meta = parquetMetadata(buffer)
    const geo = JSON.parse(meta.key_value_metadata?.find((kv) => kv.key === 'geo')?.value ?? '{}')
    geoBbox = geo.columns.geometry.bbox
  })

  it('has 417 chips of 768 dims, none skipped', () => {
    expect(table.summary).toMatchObject({
      fileName: REAL_NAME,
      family: 'clay-v0',
      modelLabel: 'Clay v0',
      dims: 768,
      count: 417,
      totalRows: 417,
      dates: ['2022-06-10'],
      embeddingColumn: 'embeddings',
    })
    expect(table.embeddings.length).toBe(417 * 768)
    // The worker transfers this buffer, so it must hold exactly the vectors.
    expect(table.embeddings.buffer.byteLength).toBe(417 * 768 * 4)
    expect(table.skipped).toEqual([])
    expect(Array.from(table.fileRows)).toEqual(Array.from({ length: 417 }, (_, i) => i))
  })

  it('matches pinned values', () => {
    expect(table.ids[0]).toBe('03WVN_20220610_0001')
    expect(table.ids[416]).toBe('03WVN_20220610_0440')
    expect(table.sourceUrls[0]).toBe('s3://clay-tiles-02/02/03WVN/2022-06-10/claytile_03WVN_20220610_v02_0001.tif')
    expect(Array.from(table.embeddings.subarray(0, 3))).toEqual([
      0.0023486283607780933, 0.012270098552107811, -0.0003790269256569445,
    ])
    expect(Array.from(table.embeddings.subarray(417 * 768 - 2))).toEqual([0.034917861223220825, -0.007715452462434769])
    expect(ringOf(table, 0).slice(0, 2)).toEqual([-167.0724531849004, 65.76161454222509])
    expect(table.summary.bbox).toEqual([-167.18803051829005, 64.84192675131861, -164.83644584231885, 65.8215885781936])
  })

  it('has unique Clay v0 ids and the one acquisition date on every row', () => {
    expect(table.ids.every((id) => /^03WVN_20220610_\d{4}$/.test(id))).toBe(true)
    expect(new Set(table.ids).size).toBe(417)
    expect(table.dates.every((d) => d === '2022-06-10')).toBe(true)
  })

  it('agrees with hyparquet row by row', () => {
    expect(reference.length).toBe(417)
    for (let r = 0; r < 417; r++) {
      const row = reference[r] as { source_url: string; embeddings: number[]; geometry: { coordinates: number[][][] } }
      expect(table.sourceUrls[r]).toBe(row.source_url)
      const mine = table.embeddings.subarray(r * 768, (r + 1) * 768)
      expect(Array.from(mine)).toEqual(row.embeddings.map(Math.fround))
      expect(ringOf(table, r)).toEqual((row.geometry.coordinates[0] as number[][]).flat())
    }
  })

  it('has closed 5-vertex rings inside the geo metadata bbox', () => {
    expect(table.summary.bbox).toEqual(geoBbox)
    const [w, s, e, n] = geoBbox as [number, number, number, number]
    const eps = 1e-9
    expect(table.ringStarts.length).toBe(418)
    for (let k = 0; k < 417; k++) {
      const ring = ringOf(table, k)
      expect(ring.length).toBe(10)
      expect(ring.slice(8)).toEqual(ring.slice(0, 2))
      for (let i = 0; i < ring.length; i += 2) {
        const x = ring[i] as number
        const y = ring[i + 1] as number
        expect(x >= w - eps && x <= e + eps && y >= s - eps && y <= n + eps, `row ${k} vertex ${i / 2}`).toBe(true)
      }
    }
  })

  it('reports progress at the end with every chip', () => {
    const last = progress[progress.length - 1]
    expect(last).toEqual({ bytesRead: buffer.byteLength, totalBytes: buffer.byteLength, chips: 417 })
  })

  it('stops with an aborted error when the signal is already aborted', async () => {
    const ctrl = new AbortController()
    ctrl.abort()
    await expect(readEmbeddings(buffer, { fileName: REAL_NAME, signal: ctrl.signal })).rejects.toMatchObject({ code: 'aborted' })
  })
})

describe('readEmbeddings on generated fixtures', () => {
  let dir: string
  const file = (name: string): ArrayBuffer => readArrayBuffer(path.join(dir, name))

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'chipfinder-fixtures-'))
    await writeFixtures(dir)
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads small-valid.parquet', async () => {
    const t = await readEmbeddings(file('small-valid.parquet'), { fileName: 'small-valid.parquet' })
    expect(t.summary).toMatchObject({ count: 30, totalRows: 30, dims: 16, family: 'unknown', modelLabel: null, embeddingColumn: 'embedding' })
    expect(t.ids.slice(0, 3)).toEqual(['chip-000', 'chip-001', 'chip-002'])
    // Timestamps at noon UTC: the date part, in UTC.
    expect(t.dates.slice(0, 2)).toEqual(['2024-07-01', '2024-07-15'])
    expect(t.summary.dates).toEqual(['2024-07-01', '2024-07-15'])
    expect(t.sourceUrls.every((u) => u === null)).toBe(true)
    expect(ringOf(t, 7)).toEqual([-165.4, 65.05, -165.32, 65.05, -165.32, 65.09, -165.4, 65.09, -165.4, 65.05].map((v) => expect.closeTo(v, 9)))
    const [w, s, e, n] = t.summary.bbox
    expect([w, s, e, n].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([-165.5, 65, -164.92, 65.24])
    // Planted clusters: row i is in cluster i % 3.
    const row = (k: number) => t.embeddings.subarray(k * 16, (k + 1) * 16)
    expect(cosine(row(0), row(3))).toBeGreaterThan(0.95)
    expect(cosine(row(0), row(1))).toBeLessThan(cosine(row(0), row(3)) - 0.2)
  })

  const failures: [string, DatasetErrorCode, RegExp][] = [
    ['not-parquet.parquet', 'not-parquet', /not-parquet\.parquet isn't a Parquet file/],
    ['empty.parquet', 'empty', /^empty\.parquet is empty \(0 bytes\)\.$/],
    ['no-embedding.parquet', 'no-embedding-column', /'embeddings' or 'embedding'.*Columns found: geometry \(binary\), id \(string\)\./],
    ['ragged.parquet', 'ragged', /rows have different embedding lengths: 16 values in row 0, 12 in row 12/],
    ['all-nan.parquet', 'bad-values', /NaN/],
    ['no-rows.parquet', 'no-rows', /no rows/],
    ['no-geometry.parquet', 'no-geometry', /no 'geometry' column/],
  ]
  for (const [name, code, message] of failures) {
    it(`${name} fails with ${code}`, async () => {
      const err = await readError(file(name), name)
      expect(err.code).toBe(code)
      expect(err.fileName).toBe(name)
      expect(err.message).toContain(name)
      expect(err.message).toMatch(message)
    })
  }

  it('reprojects web-mercator.parquet (EPSG:3857) onto the same lon/lat footprints as small-valid.parquet', async () => {
    const merc = await readEmbeddings(file('web-mercator.parquet'), { fileName: 'web-mercator.parquet' })
    const ref = await readEmbeddings(file('small-valid.parquet'), { fileName: 'small-valid.parquet' })
    expect(merc.summary).toMatchObject({ count: 30, crs: 'EPSG:3857', reprojected: true })
    expect(ref.summary).toMatchObject({ crs: 'unknown (null)', reprojected: false })
    expect(merc.ringCoords.length).toBe(ref.ringCoords.length)
    let worst = 0
    for (let i = 0; i < ref.ringCoords.length; i++) worst = Math.max(worst, Math.abs((merc.ringCoords[i] as number) - (ref.ringCoords[i] as number)))
    expect(worst).toBeLessThan(1e-9)
    // The geo bbox is in metres; the summary's comes from the reprojected footprints.
    merc.summary.bbox.forEach((v, i) => expect(v).toBeCloseTo(ref.summary.bbox[i] as number, 9))
  })

  it('skips the 2 NaN rows of some-nan.parquet and keeps the rest in order', async () => {
    const buf = file('some-nan.parquet')
    const t = await readEmbeddings(buf, { fileName: 'some-nan.parquet' })
    expect(t.summary.count).toBe(28)
    expect(t.summary.totalRows).toBe(30)
    expect(t.skipped).toEqual([
      { row: 4, reason: 'embedding has NaN values' },
      { row: 17, reason: 'embedding has NaN values' },
    ])
    const expectedRows = Array.from({ length: 30 }, (_, i) => i).filter((i) => i !== 4 && i !== 17)
    expect(Array.from(t.fileRows)).toEqual(expectedRows)
    expect(t.ids[4]).toBe('chip-005')
    const rows = (await parquetReadObjects({ file: buf })) as { embedding: number[] }[]
    for (let k = 0; k < 28; k++) {
      const r = expectedRows[k] as number
      expect(Array.from(t.embeddings.subarray(k * 16, (k + 1) * 16))).toEqual((rows[r] as { embedding: number[] }).embedding)
    }
    expect(t.ringStarts.length).toBe(29)
    expect(t.ringStarts[28]).toBe(28 * 5)
    // No bbox in this file's geo metadata: computed from the kept footprints.
    expect(t.summary.bbox.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([-165.5, 65, -164.92, 65.24])
  })
})

describe('readEmbeddings column and row handling', () => {
  const listOf = (name: string, type: 'FLOAT' | 'DOUBLE' = 'FLOAT') => [
    { name, repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
    { name: 'element', type, repetition_type: 'OPTIONAL' as const },
  ]
  const square = (x: number) => [
    [x, 0],
    [x + 1, 0],
    [x + 1, 1],
    [x, 0],
  ]
  const geoKv = (column: string) => ({
    key: 'geo',
    value: JSON.stringify({ version: '1.1.0', primary_column: column, columns: { [column]: { encoding: 'WKB', crs: 'OGC:CRS84' } } }),
  })

  it('takes dims from the data, finds a lone double list by type, and skips rows it cannot use', async () => {
    const geoms = [
      geojsonToWkb({ type: 'Polygon', coordinates: [square(0)] }),
      geojsonToWkb({ type: 'Point', coordinates: [1, 2] }),
      null,
      geojsonToWkb({ type: 'MultiPolygon', coordinates: [[square(10)], [[[20, 0], [25, 0], [25, 5], [20, 0]]]] }),
      geojsonToWkb({ type: 'Polygon', coordinates: [square(30)] }),
      geojsonToWkb({ type: 'Polygon', coordinates: [square(40)] }),
    ]
    const buf = parquetWriteBuffer({
      schema: [
        { name: 'root', num_children: 3 },
        ...listOf('vectors', 'DOUBLE'),
        { name: 'footprint', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
        { name: 'chips_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
      columnData: [
        { name: 'vectors', data: [[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 0, 0], null, [1, Infinity, 0]] },
        { name: 'footprint', data: geoms },
        { name: 'chips_id', data: ['a', 'b', 'c', 'd', 'e', 'f'] },
      ],
      kvMetadata: [geoKv('footprint')],
    })
    const t = await readEmbeddings(buf, { fileName: 'mixed.parquet' })
    expect(t.summary).toMatchObject({ embeddingColumn: 'vectors', dims: 3, count: 2, totalRows: 6 })
    expect(t.ids).toEqual(['a', 'd'])
    expect(Array.from(t.embeddings)).toEqual([1, 2, 3, 1, 0, 0])
    expect(t.skipped).toEqual([
      { row: 1, reason: "footprint isn't a readable polygon" },
      { row: 2, reason: 'footprint is missing (null)' },
      { row: 4, reason: 'embedding is missing (null)' },
      { row: 5, reason: 'embedding has infinite values' },
    ])
    // The MultiPolygon's bigger part is the one drawn.
    expect(ringOf(t, 1)).toEqual([20, 0, 25, 0, 25, 5, 20, 0])
    expect(t.dates).toEqual([null, null])
  })

  it("prefers 'embeddings' over other float lists and falls back to generic ids", async () => {
    const buf = parquetWriteBuffer({
      schema: [{ name: 'root', num_children: 3 }, ...listOf('other'), ...listOf('embeddings'), { name: 'geometry', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' }],
      columnData: [
        { name: 'other', data: [[9, 9]] },
        { name: 'embeddings', data: [[1, 2, 3, 4]] },
        { name: 'geometry', data: [geojsonToWkb({ type: 'Polygon', coordinates: [square(0)] })] },
      ],
    })
    const t = await readEmbeddings(buf, { fileName: 'two-lists.parquet' })
    expect(t.summary.embeddingColumn).toBe('embeddings')
    expect(t.summary.dims).toBe(4)
    expect(t.ids).toEqual(['two-lists.parquet#0'])
  })

  it('refuses two unnamed float lists, naming both', async () => {
    const buf = parquetWriteBuffer({
      schema: [{ name: 'root', num_children: 3 }, ...listOf('a'), ...listOf('b'), { name: 'geometry', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' }],
      columnData: [
        { name: 'a', data: [[1]] },
        { name: 'b', data: [[2]] },
        { name: 'geometry', data: [geojsonToWkb({ type: 'Polygon', coordinates: [square(0)] })] },
      ],
    })
    const err = await readError(buf, 'ambiguous.parquet')
    expect(err.code).toBe('no-embedding-column')
    expect(err.message).toMatch(/several lists of floats \(a, b\)/)
    expect(err.message).toContain('Columns found: a (list<float>), b (list<float>), geometry (binary).')
  })

  it('says no-geometry when no footprint decodes', async () => {
    const buf = parquetWriteBuffer({
      schema: [{ name: 'root', num_children: 2 }, ...listOf('embedding'), { name: 'geometry', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' }],
      columnData: [
        { name: 'embedding', data: [[1, 2]] },
        { name: 'geometry', data: [geojsonToWkb({ type: 'Point', coordinates: [0, 0] })] },
      ],
    })
    const err = await readError(buf, 'points.parquet')
    expect(err.code).toBe('no-geometry')
  })

  it('says no-geometry when the geo metadata names a missing column', async () => {
    const buf = parquetWriteBuffer({
      schema: [{ name: 'root', num_children: 2 }, ...listOf('embedding'), { name: 'geometry', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' }],
      columnData: [
        { name: 'embedding', data: [[1, 2]] },
        { name: 'geometry', data: [geojsonToWkb({ type: 'Polygon', coordinates: [square(0)] })] },
      ],
      kvMetadata: [geoKv('footprint')],
    })
    const err = await readError(buf, 'misnamed.parquet')
    expect(err.code).toBe('no-geometry')
    expect(err.message).toContain("'footprint'")
  })

  it('falls back to the geometry column when the geo metadata is garbage', async () => {
    const buf = parquetWriteBuffer({
      schema: [{ name: 'root', num_children: 2 }, ...listOf('embedding'), { name: 'geometry', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' }],
      columnData: [
        { name: 'embedding', data: [[1, 2]] },
        { name: 'geometry', data: [geojsonToWkb({ type: 'Polygon', coordinates: [square(0)] })] },
      ],
      kvMetadata: [{ key: 'geo', value: '{not json' }],
    })
    const t = await readEmbeddings(buf, { fileName: 'garbage-geo.parquet' })
    expect(t.summary.count).toBe(1)
    expect(t.summary.bbox).toEqual([0, 0, 1, 1])
  })
})
