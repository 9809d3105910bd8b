// Footers: what each producer layout says before any data is read, how many requests and bytes
// that costs over HTTP, the ARROW:schema reader, and the identity check that keeps files of
// another model out of a dataset.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as arrow from 'apache-arrow'
import { parquetMetadata } from 'hyparquet'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { serveFileWithRange } from '../../../scripts/lib/serve-range.mjs'
import { checkIdentity, datasetIdentity, FOOTER_TAIL_BYTES, parseArrowSchema, readFooter, type DatasetIdentity, type FileFooter } from './footer.ts'
import { openRangeBuffer } from '../http/range-buffer.ts'
import { readEmbeddings } from './read-embeddings.ts'
import * as layouts from '../testing/layouts.ts'
import { datasetErrorOf, startTestServer, type TestServer } from '../testing/http.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const fixturesDir = process.env.CHIPFINDER_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures')
const REAL_NAME = '03WVN_20220610_20220610_v001.gpq'
const REAL_FILE = path.join(fixturesDir, 'clay-v0', REAL_NAME)
const REAL_SIZE = statSync(REAL_FILE).size
const REAL_GEO_BBOX = [-167.18803051829005, 64.84192675131861, -164.83644584231885, 65.8215885781936]

function realBuffer(): ArrayBuffer {
  const b = readFileSync(REAL_FILE)
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
}

describe('readFooter on every layout (in memory)', () => {
  it('Clay v0, the real file: rows, geo bbox, dims from the value count, the v0 family', async () => {
    const f = await readFooter(realBuffer(), { fileName: REAL_NAME })
    expect(f).toMatchObject({
      fileName: REAL_NAME,
      byteLength: REAL_SIZE,
      rows: 417,
      rowGroups: 1,
      bbox: REAL_GEO_BBOX,
      bboxSource: 'geo',
      crsLabel: 'OGC:CRS84',
      crsKind: 'lonlat',
      embeddingColumn: 'embeddings',
      dims: 768,
      dimsSource: 'value-count',
      geometryColumn: 'geometry',
      keyValue: {},
      dateRange: ['2022-06-10', '2022-06-10'],
      optionalColumns: [],
      family: 'clay-v0',
      modelLabel: 'Clay v0',
      requests: 0,
    })
    expect(f.metadata).toBeUndefined()
  })

  type Expected = Partial<Omit<FileFooter, 'keyValue'>> & { keys?: string[] }
  const cases: [string, () => layouts.LayoutFixture, Expected][] = [
    [
      'Clay v1.5 NAIP',
      layouts.clayV15Naip,
      { embeddingColumn: 'embeddings', dims: 1024, dimsSource: 'value-count', crsKind: 'lonlat', crsLabel: 'unknown (null)', bboxSource: 'geo', family: 'clay-v1.5', gsd: 0.6, dateRange: ['2022-06-10', '2022-06-10'], keys: ['date', 'gsd', 'uri'] },
    ],
    [
      'the newer Clay schema',
      () => layouts.clayNewSchema(),
      { dims: 1024, bbox: null, bboxSource: null, sourceModel: 'clay-v1.5', family: 'clay-v1.5', optionalColumns: ['sourceModel', 'loss', 'lossMetric', 'sourceCreator', 'classId'], dateRange: ['2024-05-01', '2024-05-05'] },
    ],
    ['LGND 1024', () => layouts.lgnd(1024), { embeddingColumn: 'embedding', dims: 1024, bboxSource: 'bbox-columns', family: 'lgnd', modelLabel: 'LGND Clay v1.5', dateRange: ['2024-05-10', '2024-05-11'] }],
    ['LGND 256', () => layouts.lgnd(256), { embeddingColumn: 'embedding', dims: 256, bboxSource: 'bbox-columns', family: 'lgnd' }],
    ['Earth Index', layouts.earthIndex, { embeddingColumn: 'embedding', dims: 384, dimsSource: 'arrow-schema', family: 'earth-index', keys: ['emb'], dateRange: null }],
    ['Planet (EPSG:3857)', layouts.planetWebMercator, { embeddingColumn: 'embedding', dims: 48, crsKind: 'reproject', crsLabel: 'EPSG:3857', bboxSource: 'geo', family: 'unknown', modelLabel: null }],
    ['patch-level rows', () => layouts.longRows(196_608, 2), { dims: 196_608, rows: 2 }],
  ]
  for (const [what, make, want] of cases) {
    it(what, async () => {
      const fx = make()
      const { keys, ...rest } = want
      const f = await readFooter(fx.buffer, { fileName: fx.name })
      expect(f).toMatchObject({ rows: fx.rows, ...rest })
      if (keys) expect(Object.keys(f.keyValue).sort()).toEqual(keys)
      // Whatever the footer says about dims and the model, the data agrees.
      const t = await readEmbeddings(fx.buffer, { fileName: fx.name })
      expect(t.summary.dims).toBe(f.dims)
      expect(checkIdentity(datasetIdentity(f), datasetIdentity(t.summary))).toBeNull()
    })
  }

  it('a footer bbox in EPSG:3857 comes back in lon/lat, covering the footprints', async () => {
    const fx = layouts.planetWebMercator()
    const f = await readFooter(fx.buffer, { fileName: fx.name })
    const t = await readEmbeddings(fx.buffer, { fileName: fx.name })
    ;(f.bbox as number[]).forEach((v, i) => expect(v).toBeCloseTo(t.summary.bbox[i] as number, 9))
  })

  it('bbox columns: the min/max statistics of xmin/ymin/xmax/ymax over the row groups', async () => {
    const fx = layouts.lgnd(256)
    const f = await readFooter(fx.buffer, { fileName: fx.name })
    const all = fx.lonLat.flat()
    const lons = all.filter((_, i) => i % 2 === 0)
    const lats = all.filter((_, i) => i % 2 === 1)
    expect(f.bbox).toEqual([Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)])
  })

  it('keepMetadata hands over the parsed footer, which readEmbeddings then uses without reading it again', async () => {
    const fx = layouts.lgnd(256)
    const f = await readFooter(fx.buffer, { fileName: fx.name, keepMetadata: true })
    expect(f.metadata?.num_rows).toBe(7n)
    const slices: [number, number][] = []
    const counting = {
      byteLength: fx.buffer.byteLength,
      slice: (s: number, e?: number) => {
        slices.push([s, e ?? fx.buffer.byteLength])
        return fx.buffer.slice(s, e)
      },
    }
    const t = await readEmbeddings(counting, { fileName: fx.name, metadata: f.metadata })
    expect(t.summary.count).toBe(7)
    // No slice reaches the footer at the end of the file.
    const footerStart = fx.buffer.byteLength - 8 - (f.metadata?.metadata_length ?? 0)
    expect(slices.every(([, e]) => e <= footerStart)).toBe(true)
  })

  it('refuses what is not Parquet, or empty', async () => {
    const text = new TextEncoder().encode('just some text, long enough to have an end').buffer as ArrayBuffer
    expect(await datasetErrorOf(readFooter(text, { fileName: 'a.txt' }))).toMatchObject({ code: 'not-parquet', message: expect.stringMatching(/^a\.txt isn't a Parquet file/) })
    expect((await datasetErrorOf(readFooter(new ArrayBuffer(0), { fileName: 'e.parquet' }))).code).toBe('empty')
    // A PAR1 tail with a footer length larger than the file.
    const bad = new Uint8Array(64)
    new DataView(bad.buffer).setUint32(56, 1_000_000, true)
    bad.set([0x50, 0x41, 0x52, 0x31], 60)
    expect(await datasetErrorOf(readFooter(bad.buffer, { fileName: 'b.parquet' }))).toMatchObject({ code: 'not-parquet', message: expect.stringContaining('damaged') })
  })
})

describe('readFooter over HTTP: requests and bytes', () => {
  let server: TestServer
  let base: string
  let tmp: string
  const pending: { req: IncomingMessage; res: ServerResponse }[] = []

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'chipfinder-footer-'))
    const big = layouts.bigFooter()
    writeFileSync(path.join(tmp, big.name), new Uint8Array(big.buffer))
    const small = layouts.planetWebMercator()
    writeFileSync(path.join(tmp, small.name), new Uint8Array(small.buffer))
    writeFileSync(path.join(tmp, 'text.parquet'), 'not parquet at all, just text')
    server = await startTestServer((req, res) => {
      pending.push({ req, res })
      const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1))
      const file = name === REAL_NAME ? REAL_FILE : path.join(tmp, name)
      void serveFileWithRange(req, res, file)
    })
    base = server.base
  })

  afterAll(async () => {
    await server.close()
    rmSync(tmp, { recursive: true, force: true })
  })

  beforeEach(() => {
    pending.length = 0
  })

  function requests(): { method: string; range: string | undefined; status: number; length: number }[] {
    return pending.map(({ req, res }) => ({
      method: req.method ?? '',
      range: req.headers.range,
      status: res.statusCode,
      length: req.method === 'HEAD' ? 0 : Number(res.getHeader('Content-Length') ?? 0),
    }))
  }

  it('with the size from a listing: exactly one range request for the last 64 KB', async () => {
    const f = await readFooter(`${base}/${REAL_NAME}`, { byteLength: REAL_SIZE })
    expect(requests()).toEqual([{ method: 'GET', range: `bytes=${REAL_SIZE - FOOTER_TAIL_BYTES}-${REAL_SIZE - 1}`, status: 206, length: FOOTER_TAIL_BYTES }])
    expect(f).toMatchObject({ rows: 417, dims: 768, bbox: REAL_GEO_BBOX, requests: 1, bytesRead: FOOTER_TAIL_BYTES, byteLength: REAL_SIZE })
  })

  it('without a size: a HEAD, then the same one range request', async () => {
    const f = await readFooter(`${base}/${REAL_NAME}`)
    expect(requests().map((r) => [r.method, r.range])).toEqual([
      ['HEAD', undefined],
      ['GET', `bytes=${REAL_SIZE - FOOTER_TAIL_BYTES}-${REAL_SIZE - 1}`],
    ])
    expect(f).toMatchObject({ requests: 2, bytesRead: FOOTER_TAIL_BYTES, fileName: REAL_NAME })
  })

  it('a file smaller than the tail is one request for the whole file', async () => {
    const size = layouts.planetWebMercator().buffer.byteLength
    const f = await readFooter(`${base}/planet-3857.parquet`, { byteLength: size })
    expect(requests().map((r) => r.range)).toEqual([`bytes=0-${size - 1}`])
    expect(f.crsKind).toBe('reproject')
  })

  it('a footer larger than 64 KB costs exactly one more request, for only the missing part', async () => {
    const big = layouts.bigFooter()
    const size = big.buffer.byteLength
    const footerLength = parquetMetadata(big.buffer).metadata_length + 8
    expect(footerLength).toBeGreaterThan(FOOTER_TAIL_BYTES)
    const f = await readFooter(`${base}/${big.name}`, { byteLength: size })
    expect(requests().map((r) => r.range)).toEqual([`bytes=${size - FOOTER_TAIL_BYTES}-${size - 1}`, `bytes=${size - footerLength}-${size - FOOTER_TAIL_BYTES - 1}`])
    expect(f).toMatchObject({ rows: 3, dims: 8, requests: 2, bytesRead: footerLength })
  })

  it('a loader can open the file once: footer through the RangeBuffer, then the data with the footer it already has', async () => {
    const buffer = await openRangeBuffer(`${base}/${REAL_NAME}`)
    const footer = await readFooter(buffer, { fileName: REAL_NAME, keepMetadata: true })
    expect(footer).toMatchObject({ requests: 1, bytesRead: FOOTER_TAIL_BYTES, rows: 417 })
    const before = requests().length
    const t = await readEmbeddings(buffer, { fileName: REAL_NAME, metadata: footer.metadata })
    expect(t.summary.count).toBe(417)
    const dataRanges = requests().slice(before).map((r) => r.range as string)
    // The data requests stop short of the footer's tail, which is already in the buffer's cache.
    const ends = dataRanges.map((r) => Number(/-(\d+)$/.exec(r)?.[1]))
    expect(Math.max(...ends)).toBeLessThan(REAL_SIZE - FOOTER_TAIL_BYTES)
    expect(dataRanges.length).toBeLessThanOrEqual(3)
  })

  it("says 'changed' when the server's size isn't the listed one", async () => {
    const err = await datasetErrorOf(readFooter(`${base}/${REAL_NAME}`, { byteLength: REAL_SIZE + 10 }))
    expect(err.code).toBe('changed')
    expect(err.message).toMatch(/listed with \d+: it changed since the folder was listed/)
  })

  it('404, not Parquet, and cancelled reads fail with their codes', async () => {
    expect(await datasetErrorOf(readFooter(`${base}/missing.parquet`))).toMatchObject({ code: 'http', status: 404 })
    expect((await datasetErrorOf(readFooter(`${base}/text.parquet`))).code).toBe('not-parquet')
    const before = requests().length
    const ctrl = new AbortController()
    ctrl.abort()
    expect((await datasetErrorOf(readFooter(`${base}/${REAL_NAME}`, { signal: ctrl.signal }))).code).toBe('aborted')
    expect(requests().length).toBe(before)
  })
})

describe('parseArrowSchema', () => {
  it('reads the real file: embeddings is a plain list of float32, not fixed-size', () => {
    const md = parquetMetadata(realBuffer())
    const fields = parseArrowSchema(md.key_value_metadata?.find((kv) => kv.key === 'ARROW:schema')?.value)
    expect(fields?.map((f) => f.name)).toEqual(['index', 'source_url', 'date', 'embeddings', 'geometry'])
    expect(fields?.find((f) => f.name === 'embeddings')).toEqual({ name: 'embeddings', type: 'list', valueType: 'float32' })
  })

  it('reads a fixed_size_list, its size, element type and extension name, from apache-arrow bytes', () => {
    const item = new arrow.Field('item', new arrow.Float32(), true)
    const tensor = new arrow.Field(
      'embeddings',
      new arrow.FixedSizeList(768, item),
      true,
      new Map([
        ['ARROW:extension:name', 'arrow.fixed_shape_tensor'],
        ['ARROW:extension:metadata', '{"shape":[768]}'],
      ]),
    )
    const schema = new arrow.Schema([
      new arrow.Field('id', new arrow.Utf8()),
      tensor,
      new arrow.Field('f64', new arrow.FixedSizeList(3, new arrow.Field('item', new arrow.Float64()))),
      new arrow.Field('geometry', new arrow.Binary()),
    ])
    const fields = parseArrowSchema(layouts.arrowSchemaBase64(schema))
    expect(fields).toEqual([
      { name: 'id', type: 'utf8' },
      { name: 'embeddings', type: 'fixed_size_list', listSize: 768, valueType: 'float32', extension: 'arrow.fixed_shape_tensor' },
      { name: 'f64', type: 'fixed_size_list', listSize: 3, valueType: 'float64' },
      { name: 'geometry', type: 'binary' },
    ])
  })

  it('returns null for garbage and truncated schemas instead of throwing', () => {
    const good = layouts.arrowSchemaBase64(new arrow.Schema([new arrow.Field('x', new arrow.FixedSizeList(4, new arrow.Field('item', new arrow.Float32())))]))
    expect(parseArrowSchema(good)?.[0]?.listSize).toBe(4)
    for (const bad of [undefined, '', 'not base64 at all!', btoa('short'), good.slice(0, 40), btoa('\xff\xff\xff\xff' + '\x7f'.repeat(60))]) {
      expect(parseArrowSchema(bad), String(bad)).toBeNull()
    }
  })
})

describe('datasetIdentity and checkIdentity', () => {
  const id = (over: Partial<DatasetIdentity>): DatasetIdentity => ({ family: 'clay-v0', modelLabel: 'Clay v0', dims: 768, embeddingColumn: 'embeddings', sourceModel: null, ...over })

  it('accepts files like the dataset, and unknowns', () => {
    expect(checkIdentity(id({}), id({}))).toBeNull()
    expect(checkIdentity(id({ dims: null }), id({}))).toBeNull()
    expect(checkIdentity(id({ family: 'unknown', modelLabel: null }), id({}))).toBeNull()
  })

  it('explains each mismatch', () => {
    expect(checkIdentity(id({ dims: 1024 }), id({}))).toBe("this file's embeddings are 1024-d; the dataset's are 768-d")
    expect(checkIdentity(id({ family: 'clay-v1.5', modelLabel: 'Clay v1.5', dims: null }), id({}))).toBe(
      'this file holds Clay v1.5 embeddings; the dataset holds Clay v0 embeddings',
    )
    expect(checkIdentity(id({ family: 'unknown', sourceModel: 'clay-v1' }), id({ family: 'unknown', sourceModel: 'clay-v1.5' }))).toBe(
      "this file's embeddings come from clay-v1; the dataset's from clay-v1.5",
    )
    expect(checkIdentity(id({ embeddingColumn: 'embedding' }), id({}))).toBe(
      "this file keeps its embeddings in column 'embedding'; the dataset's files use 'embeddings'",
    )
  })

  it('tells the real files apart from footers alone: NAIP vs Clay v0, LGND 256 vs 1024', async () => {
    const v0 = datasetIdentity(await readFooter(realBuffer(), { fileName: REAL_NAME }))
    const naip = layouts.clayV15Naip()
    const naipId = datasetIdentity(await readFooter(naip.buffer, { fileName: naip.name }))
    expect(checkIdentity(naipId, v0)).toBe("this file's embeddings are 1024-d; the dataset's are 768-d")
    const l256 = layouts.lgnd(256)
    const l1024 = layouts.lgnd(1024)
    const a = datasetIdentity(await readFooter(l256.buffer, { fileName: l256.name }))
    const b = datasetIdentity(await readFooter(l1024.buffer, { fileName: l1024.name }))
    expect(checkIdentity(a, b)).toBe("this file's embeddings are 256-d; the dataset's are 1024-d")
    // A summary from a read file compares with a footer the same way.
    const t = await readEmbeddings(realBuffer(), { fileName: REAL_NAME })
    expect(checkIdentity(datasetIdentity(t.summary), v0)).toBeNull()
  })
})
