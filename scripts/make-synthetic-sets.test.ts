import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parquetMetadata, parquetReadObjects, parquetSchema, type FileMetaData, type SchemaTree } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { readParquet } from 'parquet-wasm/node'
import { tableFromIPC, type FixedSizeList } from 'apache-arrow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GENERATOR_VERSION, clayV0Footprint, writeSyntheticSets, type SyntheticManifest } from './make-synthetic-sets.mjs'

const REAL_SAMPLE = path.resolve(
  process.env.CHIPFINDER_FIXTURES ?? path.join(import.meta.dirname, '..', '..', 'shared', 'fixtures'),
  'clay-v0',
  '03WVN_20220610_20220610_v001.gpq',
)

const dirs: string[] = []
function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'chipfinder-sets-'))
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

/** Every file under dir, relative, with forward slashes. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  )
}

type Ring = [number, number][]
type Row = Record<string, unknown> & { geometry: { type: string; coordinates: Ring[] } }

let dir = ''
let manifest: SyntheticManifest
const meta = new Map<string, FileMetaData>()
const rowsOf = new Map<string, Row[]>()

beforeAll(async () => {
  dir = tmpDir()
  manifest = await writeSyntheticSets(dir, { force: true })
  for (const f of manifest.files) {
    const buf = arrayBuffer(path.join(dir, f.key))
    meta.set(f.key, parquetMetadata(buf))
    rowsOf.set(f.key, (await parquetReadObjects({ file: buf, compressors })) as Row[])
  }
}, 120_000)

function kv(key: string): Record<string, string> {
  return Object.fromEntries((meta.get(key)?.key_value_metadata ?? []).map((e) => [e.key, e.value ?? '']))
}
function geo(key: string) {
  return JSON.parse(kv(key).geo ?? 'null') as {
    version: string
    primary_column: string
    columns: { geometry: { encoding: string; crs?: unknown; bbox: number[]; geometry_types: string[]; covering?: unknown } }
  }
}
/** Top-level columns as `name:TYPE` (a list: `name:LIST<TYPE>`, a struct: `name:{a:T,…}`). */
function columns(key: string): string[] {
  const m = meta.get(key)
  if (!m) throw new Error(key)
  const describe = (n: SchemaTree): string => {
    const e = n.element
    if (e.converted_type === 'LIST') return `LIST<${describe(n.children[0]!.children[0]!)}>`
    if (n.children.length) return `{${n.children.map((c) => `${c.element.name}:${describe(c)}`).join(',')}}`
    const logical = e.logical_type?.type
    return logical && logical !== 'GEOMETRY' ? `${e.type}/${logical}` : e.converted_type ? `${e.type}/${e.converted_type}` : String(e.type)
  }
  return parquetSchema(m).children.map((c) => `${c.element.name}:${describe(c)}`)
}
function codecs(key: string): Set<string> {
  return new Set(meta.get(key)?.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec ?? '?')))
}
const filesOf = (set: string) => manifest.files.filter((f) => f.set === set)

describe('writeSyntheticSets', () => {
  it('writes the same bytes every run, and skips a folder that already holds this version', async () => {
    const other = tmpDir()
    const again = await writeSyntheticSets(other, { force: true })
    expect(again).toEqual(manifest)
    const files = walk(dir).sort()
    expect(walk(other).sort()).toEqual(files)
    for (const f of files) expect(readFileSync(path.join(other, f)).equals(readFileSync(path.join(dir, f))), f).toBe(true)

    const mtime = statSync(path.join(other, manifest.files[0]!.key)).mtimeMs
    const started = performance.now()
    expect(await writeSyntheticSets(other)).toEqual(manifest)
    expect(performance.now() - started).toBeLessThan(2000)
    expect(statSync(path.join(other, manifest.files[0]!.key)).mtimeMs).toBe(mtime)
  }, 120_000)

  it('lists every file it wrote, with its size, and stays small', () => {
    expect(manifest.version).toBe(GENERATOR_VERSION)
    const onDisk = walk(dir).filter((f) => f !== 'manifest.json' && f !== 'catalog.json')
    expect(manifest.files.map((f) => f.key).sort()).toEqual(onDisk.sort())
    for (const f of manifest.files) expect(statSync(path.join(dir, f.key)).size).toBe(f.size)
    expect(manifest.totalBytes).toBeLessThan(60e6)
    expect(manifest.sets.map((s) => s.id)).toEqual(['clay-v0-global', 'clay-v1-5-s2', 'lgnd', 'earth-index', 'planet'])
    for (const s of manifest.sets) {
      expect(s.files).toBe(filesOf(s.id).length)
      expect(s.rows).toBe(filesOf(s.id).reduce((n, f) => n + f.rows, 0))
    }
  })

  it('writes a catalog whose entries point at the sets', () => {
    const catalog = JSON.parse(readFileSync(path.join(dir, 'catalog.json'), 'utf8'))
    expect(catalog.version).toBe(1)
    expect(catalog.datasets).toHaveLength(manifest.sets.length)
    for (const [i, s] of manifest.sets.entries()) {
      expect(catalog.datasets[i]).toMatchObject({ id: s.id, href: `${s.id}/`, layout: s.layout, model: { dims: s.dims } })
      expect(typeof catalog.datasets[i].title).toBe('string')
      expect(typeof catalog.datasets[i].licence).toBe('string')
      expect(typeof catalog.datasets[i].attribution).toBe('string')
    }
  })

  it('every file parses with hyparquet, with as many rows and dims as the manifest says, geometry inside the bbox', () => {
    for (const f of manifest.files) {
      const rows = rowsOf.get(f.key)!
      expect(rows, f.key).toHaveLength(f.rows)
      expect(Number(meta.get(f.key)!.num_rows)).toBe(f.rows)
      const set = manifest.sets.find((s) => s.id === f.set)!
      for (const r of rows) expect((r[set.embeddingColumn] as number[]).length).toBe(f.dims)
      expect(codecs(f.key)).toEqual(new Set([f.codec]))
      const g = geo(f.key)
      expect(g.primary_column).toBe('geometry')
      expect(g.columns.geometry).toMatchObject({ encoding: 'WKB', geometry_types: ['Polygon'] })
      const [w, s, e, n] = g.columns.geometry.bbox as [number, number, number, number]
      for (const r of rows) {
        expect(r.geometry.type).toBe('Polygon')
        for (const [x, y] of r.geometry.coordinates[0]!) {
          expect(x >= w && x <= e && y >= s && y <= n, f.key).toBe(true)
        }
      }
      if (set.crs === 'CRS84') expect(f.bbox).toEqual(g.columns.geometry.bbox)
    }
  })
})

describe('Clay v0 set', () => {
  const files = () => filesOf('clay-v0-global')

  it('has the real columns, ZSTD, geo 1.0.0 with CRS84 PROJJSON, and the real file naming', () => {
    expect(files()).toHaveLength(26)
    expect(new Set(files().map((f) => f.mgrs)).size).toBe(24)
    for (const f of files()) {
      expect(f.key).toMatch(/^clay-v0-global\/v02\/(\d\d[A-Z]{3})\/\1_(\d{8})_(\d{8})_v001\.gpq$/)
      expect(columns(f.key)).toEqual(['index:INT64', 'source_url:BYTE_ARRAY/STRING', 'date:INT32/DATE', 'embeddings:LIST<FLOAT>', 'geometry:BYTE_ARRAY'])
      const g = geo(f.key)
      expect(g.version).toBe('1.0.0')
      expect(g.columns.geometry.crs).toMatchObject({ type: 'GeographicCRS', id: { authority: 'OGC', code: 'CRS84' } })
      const rows = rowsOf.get(f.key)!
      expect(rows.map((r) => r.index)).toEqual(rows.map((_, i) => BigInt(i)))
      const [, tile, min, max] = /(\d\d[A-Z]{3})_(\d{8})_(\d{8})/.exec(f.key)!
      expect(tile).toBe(f.mgrs)
      for (const r of rows) {
        const m = /^s3:\/\/clay-tiles-02\/02\/(\w{5})\/(\d{4}-\d\d-\d\d)\/claytile_(\w{5})_(\d{8})_v02_(\d{4})\.tif$/.exec(r.source_url as string)
        expect(m, r.source_url as string).not.toBeNull()
        expect(m![1]).toBe(tile)
        expect(m![3]).toBe(tile)
        expect(m![2]!.replaceAll('-', '')).toBe(m![4])
        expect((r.date as Date).toISOString().slice(0, 10)).toBe(m![2])
        expect(m![4]! >= min! && m![4]! <= max!).toBe(true)
      }
    }
    // Two tiles with one file spanning two dates, two with a file per date.
    expect(files().filter((f) => f.dates.length === 2).map((f) => f.mgrs).sort()).toEqual(['03WWN', '37MBU'])
    const perTile = new Map<string, number>()
    for (const f of files()) perTile.set(f.mgrs ?? '', (perTile.get(f.mgrs ?? '') ?? 0) + 1)
    expect([...perTile].filter(([, n]) => n === 2).map(([t]) => t).sort()).toEqual(['21MTS', '31UFT'])
  })

  it('drops some chips (cloud gaps) and keeps at most 441 per tile and date', () => {
    let dropped = 0
    for (const f of files()) {
      const perDate = new Map<string, number>()
      for (const r of rowsOf.get(f.key)!) perDate.set((r.date as Date).toISOString(), (perDate.get((r.date as Date).toISOString()) ?? 0) + 1)
      for (const n of perDate.values()) {
        expect(n).toBeLessThanOrEqual(441)
        dropped += 441 - n
      }
    }
    expect(dropped).toBeGreaterThan(100)
  })

  it('puts chip footprints exactly where the real file has them (03WVN, chip 0001 and every other)', async () => {
    const real = (await parquetReadObjects({ file: arrayBuffer(REAL_SAMPLE), compressors, columns: ['source_url', 'geometry'] })) as Row[]
    const synthetic = rowsOf.get('clay-v0-global/v02/03WVN/03WVN_20220714_20220714_v001.gpq')!
    const ringOf = (rows: Row[], chip: string) => rows.find((r) => (r.source_url as string).endsWith(`_${chip}.tif`))?.geometry.coordinates[0]
    const expectClose = (a: Ring | undefined, b: Ring | undefined) => {
      expect(a).toHaveLength(5)
      expect(b).toHaveLength(5)
      a!.forEach(([x, y], i) => {
        expect(Math.abs(x - b![i]![0])).toBeLessThan(1e-6)
        expect(Math.abs(y - b![i]![1])).toBeLessThan(1e-6)
      })
    }
    expectClose(ringOf(synthetic, '0001'), ringOf(real, '0001'))
    expectClose(clayV0Footprint('03WVN', 1), ringOf(real, '0001'))
    let compared = 0
    for (const r of real) {
      const chip = (r.source_url as string).slice(-8, -4)
      const mine = ringOf(synthetic, chip)
      if (!mine) continue
      expectClose(mine, r.geometry.coordinates[0])
      compared++
    }
    expect(compared).toBeGreaterThan(350)
  })

  it('places the tiles at their real MGRS positions', () => {
    for (const f of files()) {
      const [w, s, e, n] = f.bbox
      // A Sentinel-2 tile is about 110 km across: 1 degree of latitude, more of longitude up north.
      expect(n - s).toBeGreaterThan(0.9)
      expect(n - s).toBeLessThan(1.1)
      expect(e - w).toBeGreaterThan(0.9)
      const lat = (s + n) / 2
      const lon = (w + e) / 2
      const zone = Number(f.mgrs!.slice(0, 2))
      expect(lon).toBeGreaterThan(-180 + (zone - 1) * 6 - 1.5)
      expect(lon).toBeLessThan(-180 + zone * 6 + 1.5)
      expect(lat > 0).toBe(f.mgrs![2]! >= 'N')
    }
  })
})

describe('other producers', () => {
  it('Clay v1.5: 1024 dims, crs null, date/gsd/uri metadata, the newer columns, SNAPPY', () => {
    const files = filesOf('clay-v1-5-s2')
    expect(files.length).toBeGreaterThanOrEqual(3)
    for (const f of files) {
      expect(f.key).toMatch(/^clay-v1-5-s2\/\d\d[A-Z]{3}\/\d{4}\/S2[AB]_\d\d[A-Z]{3}_\d{8}_0_L2A\.parquet$/)
      expect(columns(f.key)).toEqual([
        'embeddings:LIST<FLOAT>',
        'geometry:BYTE_ARRAY',
        'source_model:BYTE_ARRAY/STRING',
        'source_creator:BYTE_ARRAY/STRING',
        'loss:FLOAT',
        'loss_metric:BYTE_ARRAY/STRING',
        'class_id:BYTE_ARRAY/STRING',
      ])
      expect(f.dims).toBe(1024)
      const g = geo(f.key)
      expect(g.columns.geometry.crs).toBeNull()
      const meta = kv(f.key)
      expect(meta.date).toBe(f.dates[0])
      expect(meta.gsd).toBe('10.0')
      expect(meta.uri).toMatch(/^s3:\/\/sentinel-cogs\//)
    }
  })

  it('Clay v1.5 loss: high on the unusual chips, very low on the cloud chips', () => {
    const loss = (m: { key: string; row: number }) => rowsOf.get(m.key)![m.row]!.loss as number
    const planted = manifest.planted['clay-v1-5-s2']!
    const all = filesOf('clay-v1-5-s2').flatMap((f) => rowsOf.get(f.key)!.map((r) => r.loss as number))
    const sorted = [...all].sort((a, b) => a - b)
    for (const m of planted.unusual!.members) expect(loss(m)).toBeGreaterThan(1.5)
    for (const m of planted.cloud!.members) expect(loss(m)).toBeLessThan(0.03)
    expect(sorted.at(-planted.unusual!.members.length)).toBeGreaterThan(1.5)
    expect(sorted[planted.cloud!.members.length - 1]).toBeLessThan(0.03)
    expect(manifest.anomalies).toEqual([expect.objectContaining({ set: 'clay-v1-5-s2', kind: 'oversized-footprint' })])
  })

  it('LGND: hive partitions, chips_id, datetime, embedding, WKB and a bbox struct, geo 1.1.0 covering', () => {
    const files = filesOf('lgnd')
    expect(files.length).toBeGreaterThanOrEqual(3)
    for (const f of files) {
      expect(f.key).toMatch(/^lgnd\/gzd=\d\d[A-Z]\/year=\d{4}\/month=\d\d\/part-0\.parquet$/)
      expect(columns(f.key)).toEqual([
        'chips_id:BYTE_ARRAY/STRING',
        'datetime:INT64/TIMESTAMP',
        'embedding:LIST<FLOAT>',
        'geometry:BYTE_ARRAY',
        'bbox:{xmin:DOUBLE,ymin:DOUBLE,xmax:DOUBLE,ymax:DOUBLE}',
      ])
      const g = geo(f.key)
      expect(g.version).toBe('1.1.0')
      expect('crs' in g.columns.geometry).toBe(false)
      expect(g.columns.geometry.covering).toEqual({ bbox: { xmin: ['bbox', 'xmin'], ymin: ['bbox', 'ymin'], xmax: ['bbox', 'xmax'], ymax: ['bbox', 'ymax'] } })
      const [, year, month] = /year=(\d{4})\/month=(\d\d)/.exec(f.key)!
      for (const r of rowsOf.get(f.key)!) {
        expect((r.datetime as Date).toISOString().slice(0, 7)).toBe(`${year}-${month}`)
        const box = r.bbox as { xmin: number; ymin: number; xmax: number; ymax: number }
        const xs = r.geometry.coordinates[0]!.map((p) => p[0])
        expect(box.xmin).toBe(Math.min(...xs))
        expect(box.xmax).toBe(Math.max(...xs))
      }
    }
  })

  it('Earth Index: a fixed_size_list<float>[384] embedding, unit vectors, CRS84, an emb model entry', () => {
    const files = filesOf('earth-index')
    expect(files.map((f) => f.codec)).toEqual(['GZIP', 'BROTLI'])
    for (const f of files) {
      expect(columns(f.key)).toEqual(['id:BYTE_ARRAY/STRING', 'embedding:LIST<FLOAT>', 'geometry:BYTE_ARRAY'])
      expect(JSON.parse(kv(f.key).emb!)).toMatchObject({ dims: 384 })
      expect(geo(f.key).columns.geometry.crs).toMatchObject({ id: { code: 'CRS84' } })
      // The Arrow type survives in the ARROW:schema entry, as a reader through Arrow sees it.
      const table = tableFromIPC(readParquet(new Uint8Array(readFileSync(path.join(dir, f.key)))).intoIPCStream())
      const type = table.schema.fields.find((x) => x.name === 'embedding')!.type as FixedSizeList
      expect(String(type)).toMatch(/^FixedSizeList\[384\]<Float32>$/)
      expect(type.listSize).toBe(384)
      for (const r of rowsOf.get(f.key)!.slice(0, 20)) {
        const v = r.embedding as number[]
        expect(Math.hypot(...v)).toBeCloseTo(1, 5)
      }
    }
  })

  it('planet: 256 dims, WKB in EPSG:3857 metres, timestamps and cloud percentages', () => {
    for (const f of filesOf('planet')) {
      expect(columns(f.key)).toEqual(['id:BYTE_ARRAY/STRING', 'acquired:INT64/TIMESTAMP', 'cloud_percent:FLOAT', 'embedding:LIST<FLOAT>', 'geometry:BYTE_ARRAY'])
      expect(geo(f.key).columns.geometry.crs).toMatchObject({ type: 'ProjectedCRS', id: { authority: 'EPSG', code: 3857 } })
      for (const r of rowsOf.get(f.key)!) {
        expect(Math.abs(r.geometry.coordinates[0]![0]![0])).toBeGreaterThan(1000)
        expect(r.cloud_percent as number).toBeGreaterThanOrEqual(0)
        expect(r.cloud_percent as number).toBeLessThanOrEqual(100)
        expect(r.acquired).toBeInstanceOf(Date)
      }
      // The manifest's bbox is in lon/lat: around Utrecht.
      expect(f.bbox[0]).toBeGreaterThan(4.5)
      expect(f.bbox[3]).toBeLessThan(52.5)
    }
  })
})

describe('planted clusters', () => {
  /** Mean-centred unit vectors of every row of a set, keyed `<key>#<row>`. */
  function centred(setId: string): Map<string, Float64Array> {
    const set = manifest.sets.find((s) => s.id === setId)!
    const vectors = new Map<string, Float64Array>()
    for (const f of filesOf(setId)) rowsOf.get(f.key)!.forEach((r, i) => vectors.set(`${f.key}#${i}`, Float64Array.from(r[set.embeddingColumn] as number[])))
    const mean = new Float64Array(set.dims)
    for (const v of vectors.values()) for (let i = 0; i < v.length; i++) mean[i]! += v[i]! / vectors.size
    for (const v of vectors.values()) {
      let ss = 0
      for (let i = 0; i < v.length; i++) {
        v[i]! -= mean[i]!
        ss += v[i]! * v[i]!
      }
      for (let i = 0; i < v.length; i++) v[i]! /= Math.sqrt(ss)
    }
    return vectors
  }
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0
    for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
    return s
  }

  for (const setId of ['clay-v0-global', 'clay-v1-5-s2', 'lgnd', 'earth-index', 'planet']) {
    it(`${setId}: from any cluster member, the other members rank first (centred cosine)`, () => {
      const vectors = centred(setId)
      const groups = manifest.planted[setId]!
      expect(groups.lake!.members.length).toBeGreaterThanOrEqual(5)
      for (const [name, group] of Object.entries(groups)) {
        const members = new Set(group.members.map((m) => `${m.key}#${m.row}`))
        expect(members.size, name).toBe(group.ids.length)
        for (const m of members) {
          const q = vectors.get(m)!
          const ranked = [...vectors.entries()].filter(([k]) => k !== m).map(([k, v]) => [k, dot(q, v)] as const).sort((a, b) => b[1] - a[1])
          const top = ranked.slice(0, members.size - 1).map(([k]) => k)
          if (group.kind === 'cluster') expect(top.every((k) => members.has(k)), `${setId} ${name} from ${m}`).toBe(true)
          else expect(top.some((k) => members.has(k)), `${setId} ${name} from ${m}`).toBe(false)
        }
      }
    })
  }

  it('clay-v0: lake chips span several tiles and regions; raw cosine stays high like the real data', () => {
    const lake = manifest.planted['clay-v0-global']!.lake!
    const tiles = new Set(lake.ids.map((id) => id.slice(0, 5)))
    expect(tiles.size).toBeGreaterThanOrEqual(6)
    expect(new Set([...tiles].map((t) => t.slice(0, 2))).size).toBeGreaterThanOrEqual(3)
    for (const m of lake.members) {
      const row = rowsOf.get(m.key)![m.row]!
      expect(row.source_url).toContain(`claytile_${m.id.slice(0, 5)}_${m.id.slice(6, 14)}_v02_${m.id.slice(15)}.tif`)
    }
    // Raw cosine between random chips: median about 0.97, as in the real sample.
    const rows = filesOf('clay-v0-global').flatMap((f) => rowsOf.get(f.key)!.map((r) => r.embeddings as number[]))
    const cos: number[] = []
    for (let i = 0; i < rows.length; i += 97) {
      for (let j = i + 13; j < rows.length; j += 331) {
        const a = rows[i]!
        const b = rows[j]!
        let ab = 0
        let aa = 0
        let bb = 0
        for (let k = 0; k < a.length; k++) {
          ab += a[k]! * b[k]!
          aa += a[k]! * a[k]!
          bb += b[k]! * b[k]!
        }
        cos.push(ab / Math.sqrt(aa * bb))
      }
    }
    cos.sort((a, b) => a - b)
    const median = cos[cos.length >> 1]!
    expect(median).toBeGreaterThan(0.94)
    expect(median).toBeLessThan(0.99)
  })
})
