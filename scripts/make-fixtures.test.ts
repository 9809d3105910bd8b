import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet'
import { afterAll, describe, expect, it } from 'vitest'
import { CLUSTERS, DIMS, ROWS, writeFixtures } from './make-fixtures.mjs'

const dirs: string[] = []
function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'chipfinder-mkfx-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function arrayBuffer(file: string): ArrayBuffer {
  const b = readFileSync(file)
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
}

describe('writeFixtures', () => {
  it('writes the same bytes every run', async () => {
    const a = await writeFixtures(tmpDir())
    const b = await writeFixtures(tmpDir())
    expect(a.map((f) => path.basename(f))).toEqual(b.map((f) => path.basename(f)))
    expect(a.map((f) => path.basename(f)).sort()).toEqual(
      [
        'all-nan.parquet',
        'empty.parquet',
        'no-embedding.parquet',
        'no-geometry.parquet',
        'no-rows.parquet',
        'not-parquet.parquet',
        'ragged.parquet',
        'small-valid.parquet',
        'some-nan.parquet',
        'web-mercator.parquet',
      ],
    )
    a.forEach((f, i) => expect(readFileSync(f).equals(readFileSync(b[i] as string)), f).toBe(true))
  })

  it('makes small-valid.parquet real GeoParquet: geo metadata, a float list, WKB polygons', async () => {
    const dir = tmpDir()
    await writeFixtures(dir)
    const buf = arrayBuffer(path.join(dir, 'small-valid.parquet'))
    const meta = parquetMetadata(buf, { geoparquet: false })
    expect(Number(meta.num_rows)).toBe(ROWS)
    const geo = JSON.parse(meta.key_value_metadata?.find((kv) => kv.key === 'geo')?.value ?? 'null')
    expect(geo).toMatchObject({ primary_column: 'geometry', columns: { geometry: { encoding: 'WKB', crs: null } } })
    const embedding = parquetSchema(meta).children.find((c) => c.element.name === 'embedding')
    expect(embedding?.element.converted_type).toBe('LIST')
    expect(embedding?.children[0]?.children[0]?.element.type).toBe('FLOAT')
    // hyparquet's own GeoParquet path (geo metadata → WKB → GeoJSON) must understand it.
    const rows = (await parquetReadObjects({ file: buf })) as {
      embedding: number[]
      geometry: { type: string; coordinates: number[][][] }
      cluster: number
    }[]
    expect(rows.every((r) => r.embedding.length === DIMS)).toBe(true)
    expect(rows.every((r) => r.geometry.type === 'Polygon')).toBe(true)
    const [lon, lat] = rows[0]?.geometry.coordinates[0]?.[0] ?? []
    expect(Math.abs((lon as number) + 165)).toBeLessThan(1)
    expect(Math.abs((lat as number) - 65)).toBeLessThan(1)
    expect(rows.map((r) => r.cluster)).toEqual(Array.from({ length: ROWS }, (_, i) => i % CLUSTERS))
  })
})
