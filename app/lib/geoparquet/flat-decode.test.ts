// The flat decoder must give exactly what the general path gives (hyparquet's row API, then
// rawEmbeddingsFromRows), on the real sample and on files written here to cover each encoding,
// codec, page version, nesting and null case; and it must take the fast path where it can.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as arrow from 'apache-arrow'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import type { AsyncBuffer, CompressionCodec, Encoding, FileMetaData, SchemaElement } from 'hyparquet'
import { parquetHeader } from 'hyparquet/src/column.js'
// decompressZstd is fzstd, the ZSTD codec hyparquet uses: the reference for the built-in decoder.
import { compressors, decompressZstd as fzstdDecompress } from 'hyparquet-compressors'
import { parquetWriteBuffer } from 'hyparquet-writer'
import * as pw from 'parquet-wasm'
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../../scripts/lib/prng.mjs'
import { decodeEmbeddingColumn, type DecodeStats } from './flat-decode.ts'
import { zstdDecompressInto } from './zstd.ts'
import { rawEmbeddingsFromRows, type RawEmbeddings } from './raw-embeddings.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const fixturesDir = process.env.CHIPFINDER_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures')
const REAL_FILE = path.join(fixturesDir, 'clay-v0', '03WVN_20220610_20220610_v001.gpq')

function readArrayBuffer(file: string): ArrayBuffer {
  const b = readFileSync(file)
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

/** The general path, the way read-embeddings.ts reads an embedding column. */
async function generalPath(file: ArrayBuffer, column: string, rowGroups?: number[]): Promise<RawEmbeddings> {
  const metadata = parquetMetadata(file)
  const rows: unknown[] = []
  const groups = rowGroups ?? metadata.row_groups.map((_, i) => i)
  const starts: number[] = []
  let at = 0
  for (const rg of metadata.row_groups) {
    starts.push(at)
    at += Number(rg.num_rows)
  }
  for (const g of groups) {
    const rowStart = starts[g] as number
    const objects = await parquetReadObjects({
      file,
      metadata,
      columns: [column],
      compressors,
      rowStart,
      rowEnd: rowStart + Number(metadata.row_groups[g]?.num_rows),
    })
    for (const o of objects) rows.push(o[column])
  }
  return rawEmbeddingsFromRows(rows)
}

/** Same lengths, null flags and values (NaN equal to NaN, -0 distinct from 0). */
function expectSame(actual: RawEmbeddings, expected: RawEmbeddings): void {
  expect(Array.from(actual.lengths)).toEqual(Array.from(expected.lengths))
  expect(Array.from(actual.nullElements)).toEqual(Array.from(expected.nullElements))
  expect(actual.values.length).toBe(expected.values.length)
  const a = actual.values
  const e = expected.values
  let firstBad = -1
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], e[i])) {
      firstBad = i
      break
    }
  }
  expect(firstBad === -1 ? 'all equal' : `value ${firstBad}: ${a[firstBad]} vs ${e[firstBad]}`).toBe('all equal')
}

async function decodeAndCompare(
  file: ArrayBuffer,
  column: string,
  opts: { rowGroups?: number[] } = {},
): Promise<{ stats: Partial<DecodeStats>; raw: RawEmbeddings }> {
  const metadata = parquetMetadata(file)
  const stats: Partial<DecodeStats> = {}
  const raw = await decodeEmbeddingColumn(file, metadata, column, { ...opts, stats })
  expectSame(raw, await generalPath(file, column, opts.rowGroups))
  return { stats, raw }
}

type Row = (number | null)[] | null

/** Deterministic values with full float32 mantissas, like a model's output. */
function randomRows(count: number, dims: number, seed = 1): number[][] {
  const rnd = mulberry32(seed)
  return Array.from({ length: count }, () => Array.from({ length: dims }, () => Math.fround(rnd() * 2 - 1)))
}

// ---------------------------------------------------------------------------------------------
// Writers

interface WasmOptions {
  codec?: keyof typeof pw.Compression
  dictionary?: boolean
  encoding?: keyof typeof pw.Encoding
  rowGroupSize?: number
  pageSize?: number
  dictionaryPageSize?: number
  v2?: boolean
}

/** parquet-wasm (parquet-rs) from an Arrow table with one column `emb` of the given type. */
function writeWasm(rows: Row[], type: arrow.DataType, opts: WasmOptions = {}): ArrayBuffer {
  const vector = arrow.vectorFromArray(rows, type)
  const table = new arrow.Table({ emb: vector })
  let props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression[opts.codec ?? 'UNCOMPRESSED'])
  if (opts.dictionary === false) props = props.setDictionaryEnabled(false)
  if (opts.encoding) props = props.setEncoding(pw.Encoding[opts.encoding])
  if (opts.rowGroupSize) props = props.setMaxRowGroupSize(opts.rowGroupSize)
  if (opts.pageSize) props = props.setDataPageSizeLimit(opts.pageSize).setWriteBatchSize(64)
  if (opts.dictionaryPageSize) props = props.setDictionaryPageSizeLimit(opts.dictionaryPageSize)
  if (opts.v2) props = props.setWriterVersion(pw.WriterVersion.V2)
  const wasmTable = pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'))
  return toArrayBuffer(pw.writeParquet(wasmTable, props.build()))
}

const listOf = (leaf: arrow.DataType, nullable = true) => new arrow.List(new arrow.Field('element', leaf, nullable))

/** hyparquet-writer (data page v2) with an explicit 3-level LIST schema. */
function writeHyparquet(
  rows: Row[],
  opts: { type?: 'FLOAT' | 'DOUBLE'; listRequired?: boolean; elementRequired?: boolean; codec?: CompressionCodec; encoding?: Encoding; rowGroupSize?: number; pageSize?: number } = {},
): ArrayBuffer {
  const schema: SchemaElement[] = [
    { name: 'root', num_children: 1 },
    { name: 'emb', repetition_type: opts.listRequired ? 'REQUIRED' : 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', repetition_type: opts.elementRequired ? 'REQUIRED' : 'OPTIONAL', type: opts.type ?? 'FLOAT' },
  ]
  return parquetWriteBuffer({
    columnData: [{ name: 'emb', data: rows, ...(opts.encoding ? { encoding: opts.encoding } : {}) }],
    schema,
    codec: opts.codec ?? 'UNCOMPRESSED',
    ...(opts.rowGroupSize ? { rowGroupSize: opts.rowGroupSize } : {}),
    ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
  })
}

function pageKinds(file: ArrayBuffer, column = 'emb'): { pages: string[]; codec: string } {
  const metadata = parquetMetadata(file)
  const pages: string[] = []
  let codec = ''
  for (const rg of metadata.row_groups) {
    const meta = rg.columns.find((c) => c.meta_data?.path_in_schema[0] === column)?.meta_data
    if (!meta) continue
    codec = meta.codec
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset)
    const reader = { view: new DataView(file, start, Number(meta.total_compressed_size)), offset: 0 }
    while (reader.offset < reader.view.byteLength) {
      const h = parquetHeader(reader)
      const enc = h.data_page_header?.encoding ?? h.data_page_header_v2?.encoding ?? h.dictionary_page_header?.encoding
      pages.push(`${h.type}:${enc}`)
      reader.offset += h.compressed_page_size
    }
  }
  return { pages, codec }
}

// ---------------------------------------------------------------------------------------------

describe('decodeEmbeddingColumn on the real Clay v0 sample', () => {
  const file = readArrayBuffer(REAL_FILE)

  it('matches the general path and takes the flat path', async () => {
    const { stats, raw } = await decodeAndCompare(file, 'embeddings')
    expect(stats).toMatchObject({ path: 'flat', dims: 768, rows: 417, zstdFallbacks: 0 })
    expect(raw.values.length).toBe(417 * 768)
    // The file is ZSTD with a dictionary page, one dictionary-coded data page and a PLAIN
    // fallback page; the dictionary page ends mid-row, so rows span pages.
    const { pages, codec } = pageKinds(file, 'embeddings')
    expect(codec).toBe('ZSTD')
    expect(pages).toEqual(['DICTIONARY_PAGE:PLAIN', 'DATA_PAGE:RLE_DICTIONARY', 'DATA_PAGE:PLAIN'])
  })

  it('reads only the embedding column chunk, in one slice, from an AsyncBuffer', async () => {
    const metadata = parquetMetadata(file)
    const slices: [number, number][] = []
    const asyncFile: AsyncBuffer = {
      byteLength: file.byteLength,
      slice(start, end) {
        slices.push([start, end ?? file.byteLength])
        return Promise.resolve(file.slice(start, end))
      },
    }
    const stats: Partial<DecodeStats> = {}
    const raw = await decodeEmbeddingColumn(asyncFile, metadata, 'embeddings', { stats })
    expectSame(raw, await generalPath(file, 'embeddings'))
    const meta = metadata.row_groups[0]?.columns.find((c) => c.meta_data?.path_in_schema[0] === 'embeddings')?.meta_data
    const start = Number(meta?.dictionary_page_offset)
    expect(slices).toEqual([[start, start + Number(meta?.total_compressed_size)]])
    expect(stats.bytesRead).toBe(Number(meta?.total_compressed_size))
  })

  it('reads an AsyncBuffer in bounded slices of whole pages when asked', async () => {
    const metadata = parquetMetadata(file)
    const meta = metadata.row_groups[0]?.columns.find((c) => c.meta_data?.path_in_schema[0] === 'embeddings')?.meta_data
    const start = Number(meta?.dictionary_page_offset)
    const end = start + Number(meta?.total_compressed_size)
    const expected = await generalPath(file, 'embeddings')
    // 20 bytes is smaller than a page header: headers are re-read with a bigger window.
    for (const maxSliceBytes of [20, 64 * 1024, 700_000]) {
      const slices: [number, number][] = []
      const asyncFile: AsyncBuffer = {
        byteLength: file.byteLength,
        slice(s, e) {
          slices.push([s, e ?? file.byteLength])
          return Promise.resolve(file.slice(s, e))
        },
      }
      const stats: Partial<DecodeStats> = {}
      expectSame(await decodeEmbeddingColumn(asyncFile, metadata, 'embeddings', { stats, maxSliceBytes }), expected)
      expect(stats.path).toBe('flat')
      expect(slices.length).toBeGreaterThan(1)
      expect(slices.every(([s, e]) => s >= start && e <= end)).toBe(true)
      // No slice is bigger than the limit or one page (the dictionary page is ~1 MB compressed).
      expect(Math.max(...slices.map(([s, e]) => e - s))).toBeLessThanOrEqual(Math.max(maxSliceBytes, 1_000_000))
    }
  })

  it('overlapping decodes from slow AsyncBuffers (shared page buffers, one pooled dictionary) stay exact', async () => {
    const metadata = parquetMetadata(file)
    const expected = await generalPath(file, 'embeddings')
    const slow: AsyncBuffer = {
      byteLength: file.byteLength,
      slice: (s, e) => new Promise((resolve) => setTimeout(() => resolve(file.slice(s, e)), 1)),
    }
    // Small slices make each decode wait between pages, so the three interleave page by page.
    const results = await Promise.all([0, 1, 2].map(() => decodeEmbeddingColumn(slow, metadata, 'embeddings', { maxSliceBytes: 100_000 })))
    for (const raw of results) expectSame(raw, expected)
  })

  it("uses the built-in ZSTD decoder even when handed hyparquet-compressors' codecs, a custom one when given", async () => {
    const metadata = parquetMetadata(file)
    const stock: Partial<DecodeStats> = {}
    await decodeEmbeddingColumn(file, metadata, 'embeddings', { compressors, stats: stock })
    expect(stock.zstdDecoder).toBe('built-in')
    let calls = 0
    const custom: Partial<DecodeStats> = {}
    const zstd = (input: Uint8Array, length: number): Uint8Array => {
      calls++
      return (compressors.ZSTD as (i: Uint8Array, n: number) => Uint8Array)(input, length)
    }
    const raw = await decodeEmbeddingColumn(file, metadata, 'embeddings', { compressors: { ...compressors, ZSTD: zstd }, stats: custom })
    expect(custom).toMatchObject({ zstdDecoder: 'given', path: 'flat' })
    expect(calls).toBe(3)
    expectSame(raw, await generalPath(file, 'embeddings'))
  })

  it('is cancelled by an aborted signal', async () => {
    const metadata = parquetMetadata(file)
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    await expect(decodeEmbeddingColumn(file, metadata, 'embeddings', { signal: controller.signal })).rejects.toThrow('stop')
  })

  it('falls back to the row API, with the same result, for a column that is not a list of floats', async () => {
    const stats: Partial<DecodeStats> = {}
    const metadata = parquetMetadata(file)
    const raw = await decodeEmbeddingColumn(file, metadata, 'date', { stats })
    expect(stats.path).toBe('rows')
    expectSame(raw, await generalPath(file, 'date'))
  })
})

describe('decodeEmbeddingColumn on files written by parquet-wasm (parquet-rs)', () => {
  const rows = randomRows(300, 24, 3)

  for (const codec of ['UNCOMPRESSED', 'SNAPPY', 'ZSTD'] as const) {
    for (const v2 of [false, true]) {
      it(`list<float>, ${codec}, data page ${v2 ? 'v2' : 'v1'}, dictionary with PLAIN fallback, several row groups`, async () => {
        // A small dictionary limit makes the writer fall back to PLAIN part way, as pyarrow does.
        const file = writeWasm(rows, listOf(new arrow.Float32()), { codec, v2, rowGroupSize: 128, dictionaryPageSize: 4096, pageSize: 2048 })
        const { pages, codec: written } = pageKinds(file)
        expect(written).toBe(codec)
        expect(pages.some((p) => p.startsWith(v2 ? 'DATA_PAGE_V2:' : 'DATA_PAGE:'))).toBe(true)
        expect(pages).toContain('DICTIONARY_PAGE:PLAIN')
        expect(pages.some((p) => p.endsWith(':PLAIN') && p.startsWith('DATA'))).toBe(true)
        expect(pages.some((p) => p.endsWith(':RLE_DICTIONARY'))).toBe(true)
        expect(parquetMetadata(file).row_groups.length).toBe(3)
        const { stats } = await decodeAndCompare(file, 'emb')
        expect(stats).toMatchObject({ path: 'flat', dims: 24, rows: 300, zstdFallbacks: 0 })
      })
    }
  }

  it('list<double>, PLAIN, ZSTD', async () => {
    const doubles = rows.map((r) => r.map((x) => x + 1e-9))
    const file = writeWasm(doubles, listOf(new arrow.Float64()), { codec: 'ZSTD', dictionary: false })
    expect(pageKinds(file).pages.every((p) => p.endsWith(':PLAIN'))).toBe(true)
    const { stats } = await decodeAndCompare(file, 'emb')
    expect(stats.path).toBe('flat')
  })

  it('list<double>, dictionary, snappy', async () => {
    const few = Array.from({ length: 200 }, (_, i) => Array.from({ length: 8 }, (_, j) => ((i * 7 + j) % 13) / 3))
    const file = writeWasm(few, listOf(new arrow.Float64()), { codec: 'SNAPPY' })
    expect(pageKinds(file).pages).toContain('DICTIONARY_PAGE:PLAIN')
    const { stats } = await decodeAndCompare(file, 'emb')
    expect(stats.path).toBe('flat')
  })

  it('fixed_size_list<float>', async () => {
    const file = writeWasm(rows, new arrow.FixedSizeList(24, new arrow.Field('element', new arrow.Float32(), true)), { codec: 'ZSTD' })
    const { stats } = await decodeAndCompare(file, 'emb')
    expect(stats).toMatchObject({ path: 'flat', dims: 24 })
  })

  it('fixed_size_list<float> with a null list', async () => {
    const withNull: Row[] = rows.slice(0, 40).map((r, i) => (i === 7 ? null : r))
    const file = writeWasm(withNull, new arrow.FixedSizeList(24, new arrow.Field('element', new arrow.Float32(), true)), { codec: 'SNAPPY' })
    const { stats, raw } = await decodeAndCompare(file, 'emb')
    expect(stats.path).toBe('levels')
    expect(raw.lengths[7]).toBe(-1)
  })

  it('BYTE_STREAM_SPLIT, float and double', async () => {
    for (const leaf of [new arrow.Float32(), new arrow.Float64()]) {
      const file = writeWasm(rows, listOf(leaf), { codec: 'SNAPPY', dictionary: false, encoding: 'BYTE_STREAM_SPLIT' })
      expect(pageKinds(file).pages.every((p) => p.endsWith(':BYTE_STREAM_SPLIT'))).toBe(true)
      const { stats } = await decodeAndCompare(file, 'emb')
      expect(stats.path).toBe('flat')
    }
  })

  it('a null list, a null element, an empty list and ragged rows', async () => {
    const mixed: Row[] = rows.slice(0, 50).map((r) => [...r])
    mixed[3] = null
    ;(mixed[5] as (number | null)[])[2] = null
    mixed[8] = []
    mixed[9] = (mixed[9] as number[]).slice(0, 5)
    mixed[49] = null
    for (const v2 of [false, true]) {
      const file = writeWasm(mixed, listOf(new arrow.Float32()), { codec: 'ZSTD', v2, rowGroupSize: 20 })
      const { stats, raw } = await decodeAndCompare(file, 'emb')
      expect(stats.path).toBe('levels')
      expect(raw.lengths[3]).toBe(-1)
      expect(raw.lengths[8]).toBe(0)
      expect(raw.lengths[9]).toBe(5)
      expect(raw.nullElements[5]).toBe(1)
    }
  })

  it('ragged rows without nulls are decoded here, not flat', async () => {
    const ragged = rows.slice(0, 60).map((r, i) => r.slice(0, 10 + (i % 5)))
    const { stats } = await decodeAndCompare(writeWasm(ragged, listOf(new arrow.Float32()), { codec: 'SNAPPY' }), 'emb')
    expect(stats).toMatchObject({ path: 'levels', reason: 'rows of different lengths', dims: 10 })
  })

  it('bounded slices over several row groups and pages', async () => {
    const file = writeWasm(rows, listOf(new arrow.Float32()), { codec: 'ZSTD', rowGroupSize: 100, pageSize: 1024, dictionaryPageSize: 2048 })
    const asyncFile: AsyncBuffer = { byteLength: file.byteLength, slice: (s, e) => file.slice(s, e) }
    const stats: Partial<DecodeStats> = {}
    const raw = await decodeEmbeddingColumn(asyncFile, parquetMetadata(file), 'emb', { stats, maxSliceBytes: 3000 })
    expectSame(raw, await generalPath(file, 'emb'))
    expect(stats.path).toBe('flat')
  })

  it('a subset of row groups, in the order asked', async () => {
    const file = writeWasm(rows, listOf(new arrow.Float32()), { codec: 'ZSTD', rowGroupSize: 100 })
    const { stats } = await decodeAndCompare(file, 'emb', { rowGroups: [2, 0] })
    expect(stats).toMatchObject({ path: 'flat', rows: 200 })
  })

  it('nested lists fall back to the row API', async () => {
    const nested = [[[1, 2], [3]], [[4]], null] as unknown as Row[]
    const file = writeWasm(nested, listOf(listOf(new arrow.Float32())))
    const { stats } = await decodeAndCompare(file, 'emb')
    expect(stats.path).toBe('rows')
  })

  it('NaN, infinities and -0 come through bit for bit', async () => {
    const odd = [
      [NaN, Infinity, -Infinity, -0, 0, 1],
      [1, 2, 3, 4, 5, 6],
    ]
    const { stats, raw } = await decodeAndCompare(writeWasm(odd, listOf(new arrow.Float32()), { dictionary: false }), 'emb')
    expect(stats.path).toBe('flat')
    expect(Object.is(raw.values[3], -0)).toBe(true)
  })
})

describe('decodeEmbeddingColumn on files written by hyparquet-writer (data page v2)', () => {
  const rows = randomRows(120, 16, 5)

  for (const codec of ['UNCOMPRESSED', 'SNAPPY'] as const) {
    for (const type of ['FLOAT', 'DOUBLE'] as const) {
      it(`list<${type.toLowerCase()}>, ${codec}, several row groups and pages`, async () => {
        const file = writeHyparquet(rows, { type, codec, rowGroupSize: 50, pageSize: 1000 })
        expect(pageKinds(file).pages.every((p) => p.startsWith('DATA_PAGE_V2') || p.startsWith('DICTIONARY'))).toBe(true)
        const { stats } = await decodeAndCompare(file, 'emb')
        expect(stats).toMatchObject({ path: 'flat', dims: 16, rows: 120 })
      })
    }
  }

  it('dictionary-encoded values', async () => {
    const few = Array.from({ length: 100 }, (_, i) => Array.from({ length: 16 }, (_, j) => ((i + j) % 5) * 0.5))
    const file = writeHyparquet(few, { codec: 'SNAPPY' })
    expect(pageKinds(file).pages).toContain('DATA_PAGE_V2:RLE_DICTIONARY')
    const { stats } = await decodeAndCompare(file, 'emb')
    expect(stats.path).toBe('flat')
  })

  it('BYTE_STREAM_SPLIT', async () => {
    const file = writeHyparquet(rows, { encoding: 'BYTE_STREAM_SPLIT' })
    expect(pageKinds(file).pages.every((p) => p.endsWith(':BYTE_STREAM_SPLIT'))).toBe(true)
    const { stats } = await decodeAndCompare(file, 'emb')
    expect(stats.path).toBe('flat')
  })

  it('required list and required elements (no definition levels to speak of)', async () => {
    const { stats } = await decodeAndCompare(writeHyparquet(rows, { listRequired: true, elementRequired: true }), 'emb')
    expect(stats.path).toBe('flat')
  })

  it('required list with an empty list and a null element', async () => {
    const mixed: Row[] = rows.slice(0, 30).map((r) => [...r])
    mixed[4] = []
    ;(mixed[6] as (number | null)[])[0] = null
    const { stats, raw } = await decodeAndCompare(writeHyparquet(mixed, { listRequired: true }), 'emb')
    expect(stats.path).toBe('levels')
    expect(raw.lengths[4]).toBe(0)
    expect(raw.nullElements[6]).toBe(1)
  })

  it('a 3-level group without the LIST annotation goes to the row API (hyparquet reads it as structs)', async () => {
    const schema: SchemaElement[] = [
      { name: 'root', num_children: 1 },
      { name: 'emb', repetition_type: 'OPTIONAL', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', repetition_type: 'OPTIONAL', type: 'FLOAT' },
    ]
    const data = rows.slice(0, 10).map((r) => ({ list: r }))
    const file = parquetWriteBuffer({ columnData: [{ name: 'emb', data }], schema, codec: 'UNCOMPRESSED' })
    const { stats } = await decodeAndCompare(file, 'emb')
    expect(stats).toMatchObject({ path: 'rows', reason: 'not a 3-level LIST' })
  })

  it('optional list with nulls, snappy, double', async () => {
    const mixed: Row[] = rows.slice(0, 30).map((r, i) => (i % 7 === 2 ? null : r))
    const { stats } = await decodeAndCompare(writeHyparquet(mixed, { type: 'DOUBLE', codec: 'SNAPPY', rowGroupSize: 10 }), 'emb')
    expect(stats.path).toBe('levels')
  })
})

// Hand-made ZSTD frames (RFC 8878) for the features parquet writers' level-1 frames don't use.

/** Bits written LSB first; a backward stream ends with a 1 marker bit, read from there down. */
class BitWriter {
  bits: number[] = []
  write(value: number, count: number): void {
    for (let i = 0; i < count; i++) this.bits.push((value >>> i) & 1)
  }
  bytes(marker: boolean): number[] {
    const bits = [...this.bits]
    if (marker) bits.push(1)
    while (bits.length % 8) bits.push(0)
    const out: number[] = []
    for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((acc, b, k) => acc | (b << k), 0))
    return out
  }
}

/** Windowed without a content size, or single-segment with a 4-byte one. */
function frameHeader(opts: { checksum: boolean; contentSize?: number }): number[] {
  const magic = [0x28, 0xb5, 0x2f, 0xfd]
  const check = opts.checksum ? 1 << 2 : 0
  if (opts.contentSize === undefined) return [...magic, check, 0x58]
  const n = opts.contentSize
  return [...magic, (2 << 6) | (1 << 5) | check, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24]
}

function blockHeader(last: boolean, type: number, size: number): number[] {
  const v = (last ? 1 : 0) | (type << 1) | (size << 3)
  return [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]
}

function block(type: number, body: number[], last = false): number[] {
  return [...blockHeader(last, type, body.length), ...body]
}

function rawLiterals(bytes: number[]): number[] {
  return [(bytes.length << 3) | 0, ...bytes]
}

// Weights of symbols 0..4 (symbol 5, the last, is implied): codes of 2, 3, 3, -, 2 and 2 bits.
const WEIGHTS = [2, 1, 1, 0, 2]
const MAX_BITS = 3

function huffmanCodes(): Map<number, [number, number]> {
  const all = [...WEIGHTS, 2]
  const order = all.map((w, s) => ({ s, nb: w ? MAX_BITS + 1 - w : 0 })).filter((x) => x.nb > 0)
  order.sort((a, b) => b.nb - a.nb || a.s - b.s)
  const codes = new Map<number, [number, number]>()
  let index = 0
  for (const { s, nb } of order) {
    codes.set(s, [index >> (MAX_BITS - nb), nb])
    index += 1 << (MAX_BITS - nb)
  }
  return codes
}

function huffmanStreamBytes(data: number[]): number[] {
  const codes = huffmanCodes()
  const w = new BitWriter()
  for (let i = data.length - 1; i >= 0; i--) {
    const [code, nb] = codes.get(data[i] as number) as [number, number]
    w.write(code, nb)
  }
  return w.bytes(true)
}

/** A Huffman literals section (size format 0 or 1: 10-bit sizes), direct weights unless treeless. */
function huffmanLiterals(data: number[], streams: 1 | 4, treeless: boolean): number[] {
  const tree = treeless ? [] : [127 + WEIGHTS.length, ...[0, 2, 4].map((i) => ((WEIGHTS[i] ?? 0) << 4) | (WEIGHTS[i + 1] ?? 0))]
  let body: number[]
  if (streams === 1) {
    body = huffmanStreamBytes(data)
  } else {
    const seg = Math.ceil(data.length / 4)
    const parts = [0, 1, 2, 3].map((k) => huffmanStreamBytes(data.slice(k * seg, (k + 1) * seg)))
    const jump = parts.slice(0, 3).flatMap((p) => [p.length & 0xff, p.length >> 8])
    body = [...jump, ...parts.flat()]
  }
  const compressed = tree.length + body.length
  const header = (treeless ? 3 : 2) | ((streams === 1 ? 0 : 1) << 2) | (data.length << 4) | (compressed << 14)
  return [header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, ...tree, ...body]
}

/** A sequences section with RLE (or repeated) tables; each sequence's 1-bit offset extra is given. */
function sequences(count: number, tables: { ll: number; of: number; ml: number } | 'repeat', offsetBits: number[]): number[] {
  const modes = tables === 'repeat' ? 0xfc : 0x54
  const symbols = tables === 'repeat' ? [] : [tables.ll, tables.of, tables.ml]
  // RLE tables read no state bits; with offset code 1 each sequence reads 1 extra offset bit and
  // (for these literal and match codes) no length bits. Written last sequence first.
  const w = new BitWriter()
  for (let i = count - 1; i >= 0; i--) w.write(offsetBits[i] as number, 1)
  return [count, modes, ...symbols, ...w.bytes(true)]
}

describe('the built-in ZSTD decoder', () => {
  /** Every ZSTD-compressed page (values part of v2 pages) of every column, decoded both ways. */
  function comparePages(file: ArrayBuffer): number {
    const metadata: FileMetaData = parquetMetadata(file)
    let pages = 0
    for (const rg of metadata.row_groups) {
      for (const col of rg.columns) {
        const meta = col.meta_data
        if (meta?.codec !== 'ZSTD') continue
        const start = Number(meta.dictionary_page_offset || meta.data_page_offset)
        const reader = { view: new DataView(file, start, Number(meta.total_compressed_size)), offset: 0 }
        while (reader.offset < reader.view.byteLength) {
          const h = parquetHeader(reader)
          let body = new Uint8Array(file, start + reader.offset, h.compressed_page_size)
          let size = h.uncompressed_page_size
          reader.offset += h.compressed_page_size
          const v2 = h.data_page_header_v2
          if (v2) {
            if (v2.is_compressed === false) continue
            const levels = v2.definition_levels_byte_length + v2.repetition_levels_byte_length
            body = body.subarray(levels)
            size -= levels
          }
          const out = new Uint8Array(size)
          zstdDecompressInto(body, out)
          expect(Buffer.from(out).equals(Buffer.from(fzstdDecompress(body)))).toBe(true)
          pages++
        }
      }
    }
    return pages
  }

  it('matches fzstd on every page of the real sample (all columns)', () => {
    expect(comparePages(readArrayBuffer(REAL_FILE))).toBeGreaterThan(5)
  })

  it('matches fzstd on compressible and incompressible data (sequences, repeat offsets, RLE and raw blocks)', () => {
    const rnd = mulberry32(11)
    const n = 60_000
    const table = new arrow.Table({
      counter: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => i), new arrow.Int32()),
      repeats: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(Math.floor(i / 1000))), new arrow.Int64()),
      text: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => `chip ${i % 97} of tile ${(i * 31) % 1013} ${'x'.repeat(i % 40)}`), new arrow.Utf8()),
      noise: arrow.vectorFromArray(Array.from({ length: n }, () => rnd()), new arrow.Float64()),
      zeros: arrow.vectorFromArray(new Array<number>(n).fill(0), new arrow.Float32()),
      mostly: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 5000 === 0 ? rnd() : 0.25)), new arrow.Float32()),
    })
    let pages = 0
    for (const v2 of [false, true]) {
      let props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).setDictionaryEnabled(false).setDataPageSizeLimit(1 << 20)
      if (v2) props = props.setWriterVersion(pw.WriterVersion.V2)
      const bytes = pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props.build())
      pages += comparePages(toArrayBuffer(bytes))
    }
    expect(pages).toBeGreaterThan(12)
  })

  it('matches fzstd on hand-made frames: raw, RLE and treeless blocks, 1- and 4-stream literals, repeat tables and offsets', () => {
    const literals = Array.from({ length: 800 }, (_, i) => [0, 4, 5, 0, 1, 2, 5, 4][(i * 7 + (i >> 3)) % 8] as number)
    const frame = [
      ...frameHeader({ checksum: true }),
      ...block(0, [...'hello raw '].map((c) => c.charCodeAt(0))),
      ...blockHeader(false, 1, 300),
      0x61,
      ...block(2, [1 | (40 << 3), 0x7a, 0]), // RLE literals, no sequences
      ...block(2, [...huffmanLiterals(literals.slice(0, 200), 1, false), 0]), // 1 stream, direct weights
      ...block(2, [...huffmanLiterals(literals, 4, true), 0]), // 4 streams, the previous tree
      // Sequences with RLE tables, 2 literals each, then a match at repeat offset 2 or 3:
      // repeat offsets (1, 4, 8) → (4, 1, 8) → (8, 4, 1) → (4, 8, 1).
      ...block(2, [...rawLiterals([0x41, 0x42, 0x43, 0x44, 0x45, 0x46]), ...sequences(3, { ll: 2, of: 1, ml: 1 }, [0, 1, 0])]),
      // No literals, which shifts the meaning: rep 1 − 1 → (3, 4, 8), then rep 3 → (8, 3, 4).
      ...block(2, [...rawLiterals([]), ...sequences(2, { ll: 0, of: 1, ml: 0 }, [1, 0])]),
      // The same tables again (repeat mode): rep 1 − 1 twice; the literal is left over.
      ...block(2, [...rawLiterals([0x5a]), ...sequences(2, 'repeat', [1, 1])], true),
      1, 2, 3, 4, // checksum (not verified by either decoder)
    ]
    const skippable = [0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]
    const small = [...frameHeader({ checksum: false, contentSize: 5 }), ...block(0, [1, 2, 3, 4, 5], true)]
    const input = new Uint8Array([...skippable, ...frame, ...small])
    const expected = fzstdDecompress(input)
    expect(expected.length).toBeGreaterThan(1300)
    const out = new Uint8Array(expected.length)
    zstdDecompressInto(input, out)
    expect(Array.from(out)).toEqual(Array.from(expected))
  })

  it('rejects what it cannot decode, so the caller can fall back', () => {
    expect(() => zstdDecompressInto(new Uint8Array([1, 2, 3, 4, 5]), new Uint8Array(5))).toThrow(/zstd/)
  })
})
