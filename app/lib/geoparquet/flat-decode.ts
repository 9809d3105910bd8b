// Decodes the embedding column of a GeoParquet file (list<float> or fixed_size_list<float>, FLOAT
// or DOUBLE leaf) straight into one Float32Array, without building a JS array per row.
// Pure TypeScript (no DOM): it runs in the search worker and in Node.
//
// Why: hyparquet's row API rebuilds every list as a JS array (Dremel assembly), which is most of
// its time on embeddings (~30 MB/s). The leaf column already holds the vectors back to back, so
// this reads the column chunk page by page and copies the values into place, using the levels
// only to find where rows start and which are null.
//
// Shape of a decode: per row group, the column chunk (one slice, or windows of whole pages) → per
// page: header (hyparquet's thrift reader) → decompress (the ZSTD decoder below; hyparquet's codecs
// for the rest) into a reused buffer → repetition/definition levels into reused byte buffers →
// values (PLAIN, dictionary indices, BYTE_STREAM_SPLIT) written at the running offset of the
// preallocated output. Pages without nulls copy their values in one go; pages with nulls scatter
// them by their levels. Anything this decoder doesn't handle (another encoding or nesting, an
// external column chunk, a damaged page) falls back to hyparquet's row API through
// rawEmbeddingsFromRows, so the result is always the one the general path gives.
//
// Sections: levels and dictionary indices · values · ZSTD · the decoder · the public function.

import { parquetRead, parquetSchema } from 'hyparquet'
import type { AsyncBuffer, ColumnChunk, ColumnData, CompressionCodec, Compressors, FileMetaData, PageHeader, SchemaTree } from 'hyparquet'
import { parquetHeader } from 'hyparquet/src/column.js'
import { decompressPage } from 'hyparquet/src/datapage.js'
import { compressors as defaultCompressors } from 'hyparquet-compressors'
import { errorMessage } from '../errors.ts'
import { rawEmbeddingsFromRows, type RawEmbeddings } from './raw-embeddings.ts'
import { ZstdError, zstdDecompressInto } from './zstd.ts'

/**
 * How a decode went:
 * - 'flat': every row had the same length and no nulls; values went straight into the output.
 * - 'levels': this decoder, with null lists, null elements, empty or ragged rows.
 * - 'rows': fell back to hyparquet's row API (see `reason`).
 */
export type DecodePath = 'flat' | 'levels' | 'rows'

export interface DecodeStats {
  path: DecodePath
  /** Why the decode fell back to the row API, or why it isn't flat. */
  reason?: string
  /** Length of every row on the flat path; otherwise the first non-empty row's length (0 if none). */
  dims: number
  rows: number
  /** Data pages decoded by this decoder (0 on the 'rows' path). */
  dataPages: number
  /** Bytes of column chunks fetched (compressed), over all selected row groups. */
  bytesRead: number
  /** ZSTD pages the built-in decoder handed to fzstd (0 unless a frame uses something it lacks). */
  zstdFallbacks: number
  /** Which ZSTD decoder this decode used: the built-in one, or one given in `compressors`. */
  zstdDecoder: 'built-in' | 'given'
}

export interface DecodeEmbeddingOptions {
  signal?: AbortSignal
  /** Row groups to read, in this order; default all. */
  rowGroups?: number[]
  /** Filled with how the decode went (for tests and benchmarks). */
  stats?: Partial<DecodeStats>
  /**
   * For an AsyncBuffer: read each column chunk in slices of about this many bytes (whole pages)
   * instead of one slice per row group, so at most one slice is held besides the output. One
   * slice holds the whole compressed chunk, about the size of the output for float columns, so
   * the peak is about 2× the output; 16–32 MB slices keep it near 1×, for a request per slice.
   * Ignored for an ArrayBuffer (read in place). Default: one slice per row group.
   */
  maxSliceBytes?: number
  /**
   * Decompressors by codec; default hyparquet-compressors. ZSTD has a faster decoder built in,
   * used unless a ZSTD decompressor other than hyparquet-compressors' own (fzstd) is given here.
   */
  compressors?: Compressors
}

/** A case this decoder leaves to the row API. Carries no data; the fallback reports the truth. */
class Unsupported extends Error {
  override name = 'Unsupported'
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** The levels of the one leaf under a top-level list column, and what each level means. */
interface LeafShape {
  path: string[]
  type: 'FLOAT' | 'DOUBLE'
  maxDef: number
  /** Bit widths of the level streams. */
  defWidth: number
  repWidth: number
  /** Definition level of an entry in the list: below it the list is empty or null. */
  defList: number
  /** Below this definition level the whole list is null; at it, the list is empty. */
  defEmpty: number
}

function bitWidth(max: number): number {
  return max === 0 ? 0 : 32 - Math.clz32(max)
}

/**
 * Levels of the column's leaf. Only the standard 3-level LIST (what Arrow, pyarrow, parquet-rs,
 * DuckDB and hyparquet-writer write for list and fixed_size_list) is decoded here:
 *   <optional|required> group <name> (LIST) { repeated group list { <optional|required> float|double element } }
 * hyparquet reads a group without the LIST annotation as structs, and the legacy 2-level and bare
 * repeated forms could not be checked against it (no writer at hand makes them), so those go to
 * the row API, which keeps the result identical by construction.
 */
function leafShape(metadata: FileMetaData, columnName: string): LeafShape {
  const column = parquetSchema(metadata).children.find((c) => c.element.name === columnName)
  if (!column) throw new Error(`parquet column not found: ${columnName}`)
  const annotated = column.element.converted_type === 'LIST' || column.element.logical_type?.type === 'LIST'
  const list = column.children.length === 1 ? (column.children[0] as SchemaTree) : undefined
  const leaf = list?.children.length === 1 ? (list.children[0] as SchemaTree) : undefined
  if (!annotated || !list || !leaf || leaf.children.length > 0 || list.element.repetition_type !== 'REPEATED') {
    throw new Unsupported('not a 3-level LIST')
  }
  const outer = column.element.repetition_type
  const inner = leaf.element.repetition_type
  if (outer === 'REPEATED' || inner === 'REPEATED') throw new Unsupported('nested repetition')
  const type = leaf.element.type
  if (type !== 'FLOAT' && type !== 'DOUBLE') throw new Unsupported(`leaf type ${String(type)}`)
  const defList = (outer === 'OPTIONAL' ? 1 : 0) + 1
  const maxDef = defList + (inner === 'OPTIONAL' ? 1 : 0)
  return { path: leaf.path, type, maxDef, defWidth: bitWidth(maxDef), repWidth: 1, defList, defEmpty: defList - 1 }
}

// ---------------------------------------------------------------------------------------------
// RLE / bit-packed hybrid (levels and dictionary indices). A module-level cursor keeps the hot
// loops free of allocations; these functions are synchronous, so nothing interleaves with it.

let cursor = 0

function readVarint(src: Uint8Array): number {
  let result = 0
  let shift = 0
  for (;;) {
    const byte = src[cursor++]
    if (byte === undefined) throw new Error('parquet page ends inside a varint')
    result += (byte & 0x7f) * 2 ** shift
    if (byte < 0x80) return result
    shift += 7
  }
}

/**
 * Decodes `n` levels of `width` bits (≤ 8) from src[pos, end) into out[0, n). Returns true when
 * every level equals `max`, which is how a page without nulls is recognised cheaply.
 */
function decodeLevels(src: Uint8Array, pos: number, end: number, width: number, n: number, out: Uint8Array, max: number): boolean {
  cursor = pos
  let i = 0
  let allMax = true
  while (i < n) {
    if (cursor >= end) throw new Error('parquet levels end early')
    const header = readVarint(src)
    if (header & 1) {
      const groups = header >>> 1
      const count = Math.min(groups * 8, n - i)
      let p = cursor
      let acc = 0
      let bits = 0
      const mask = (1 << width) - 1
      for (let k = 0; k < count; k++) {
        if (bits < width) {
          acc |= (src[p++] as number) << bits
          bits += 8
        }
        const v = acc & mask
        acc >>>= width
        bits -= width
        out[i + k] = v
        if (v !== max) allMax = false
      }
      cursor += groups * width
      i += count
    } else {
      const count = Math.min(header >>> 1, n - i)
      const v = width === 0 ? 0 : (src[cursor++] as number)
      if (v !== max) allMax = false
      out.fill(v, i, i + count)
      i += count
    }
  }
  return allMax
}

/** Dictionary indices (bit width byte, then the hybrid) from src[pos, end), looked up into out. */
function decodeDictionaryIndices(src: Uint8Array, pos: number, end: number, n: number, dict: Float32Array, out: Float32Array, at: number): void {
  const width = src[pos] as number
  cursor = pos + 1
  const dictLength = dict.length
  if (width > 24) throw new Unsupported(`dictionary index width ${width}`)
  const mask = width === 0 ? 0 : (1 << width) - 1
  const valueBytes = (width + 7) >> 3
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength)
  let i = 0
  while (i < n) {
    if (cursor >= end) throw new Error('parquet dictionary indices end early')
    const header = readVarint(src)
    if (header & 1) {
      const groups = header >>> 1
      const count = Math.min(groups * 8, n - i)
      // One little-endian 32-bit load per index (width ≤ 24 plus a shift ≤ 7 fits), while four
      // bytes remain; the last few go byte by byte.
      let bit = cursor * 8
      let o = at + i
      const stop = o + count
      const fastBits = (src.length - 4) * 8
      while (o < stop && bit <= fastBits) {
        const idx = (view.getUint32(bit >>> 3, true) >>> (bit & 7)) & mask
        if (idx >= dictLength) throw new Error('parquet dictionary index out of range')
        out[o++] = dict[idx] as number
        bit += width
      }
      while (o < stop) {
        let idx = 0
        for (let b = 0; b < width; b++, bit++) idx |= (((src[bit >>> 3] ?? 0) >>> (bit & 7)) & 1) << b
        if (idx >= dictLength) throw new Error('parquet dictionary index out of range')
        out[o++] = dict[idx] as number
      }
      cursor += groups * width
      i += count
    } else {
      const count = Math.min(header >>> 1, n - i)
      let idx = 0
      for (let b = 0; b < valueBytes; b++) idx |= (src[cursor++] as number) << (8 * b)
      if (idx >= dictLength) throw new Error('parquet dictionary index out of range')
      out.fill(dict[idx] as number, at + i, at + i + count)
      i += count
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Values

/** PLAIN values of the leaf type into out[at, at + n). */
function copyPlain(src: Uint8Array, pos: number, n: number, type: 'FLOAT' | 'DOUBLE', out: Float32Array, at: number): void {
  if (type === 'FLOAT') {
    const bytes = n * 4
    if (pos + bytes > src.length) throw new Error('parquet page ends inside its values')
    // A byte copy into the output's own buffer: no alignment needed, one memcpy.
    new Uint8Array(out.buffer, out.byteOffset + at * 4, bytes).set(src.subarray(pos, pos + bytes))
    return
  }
  const bytes = n * 8
  if (pos + bytes > src.length) throw new Error('parquet page ends inside its values')
  const start = src.byteOffset + pos
  const f64 = start % 8 === 0 ? new Float64Array(src.buffer, start, n) : new Float64Array(src.slice(pos, pos + bytes).buffer)
  for (let i = 0; i < n; i++) out[at + i] = f64[i] as number
}

/** BYTE_STREAM_SPLIT values: byte b of value i sits at b * n + i. */
function copyByteStreamSplit(src: Uint8Array, pos: number, n: number, type: 'FLOAT' | 'DOUBLE', out: Float32Array, at: number): void {
  const width = type === 'FLOAT' ? 4 : 8
  if (pos + n * width > src.length) throw new Error('parquet page ends inside its values')
  const joined = type === 'FLOAT' ? new Uint8Array(out.buffer, out.byteOffset + at * 4, n * 4) : new Uint8Array(n * 8)
  for (let b = 0; b < width; b++) {
    const from = pos + b * n
    for (let i = 0, o = b; i < n; i++, o += width) joined[o] = src[from + i] as number
  }
  if (type === 'DOUBLE') {
    const f64 = new Float64Array(joined.buffer)
    for (let i = 0; i < n; i++) out[at + i] = f64[i] as number
  }
}

/**
 * A dictionary page (PLAIN values) as float32, as hyparquet's numbers would land in a
 * Float32Array; into `into` when it is big enough.
 */
function readDictionary(page: Uint8Array, n: number, type: 'FLOAT' | 'DOUBLE', into: Float32Array | null): Float32Array {
  const dict = into && into.length >= n ? into.subarray(0, n) : new Float32Array(n)
  copyPlain(page, 0, n, type, dict, 0)
  return dict
}

// ---------------------------------------------------------------------------------------------
// The decoder

/**
 * Growable buffers for one page at a time (levels, decompressed bytes, present values), shared by
 * all decodes: each page is handled synchronously once its bytes are in, so two decodes never
 * use them at the same time, and reusing them spares each small file a few MB of fresh memory
 * (whose first-touch page faults cost more than decoding into it). What lives across pages (the
 * dictionary, the output) is per decode.
 */
class Scratch {
  rep = new Uint8Array(0)
  def = new Uint8Array(0)
  values = new Float32Array(0)
  page = new Uint8Array(0)
  /**
   * Dictionary buffer, which (unlike the rest) lives across pages and so across awaits: one
   * decode at a time borrows it; a decode that overlaps another uses its own.
   */
  dict = new Float32Array(0)
  dictBorrowed = false
  levels(n: number): void {
    if (this.rep.length < n) {
      this.rep = new Uint8Array(n)
      this.def = new Uint8Array(n)
    }
  }
  floats(n: number): Float32Array {
    if (this.values.length < n) this.values = new Float32Array(n)
    return this.values
  }
  /** Lets go of buffers grown past what a typical file needs, so a worker doesn't keep them. */
  trim(): void {
    const keep = 16 << 20
    if (this.rep.byteLength > keep) this.rep = this.def = new Uint8Array(0)
    if (this.values.byteLength > keep) this.values = new Float32Array(0)
    if (this.page.byteLength > keep) this.page = new Uint8Array(0)
    if (this.dict.byteLength > keep && !this.dictBorrowed) this.dict = new Float32Array(0)
  }
}

const sharedScratch = new Scratch()

/**
 * Decompresses one page (or the values part of a v2 page). ZSTD goes through the decoder above
 * into a reused buffer (so the result is only valid until the next page); other codecs through
 * hyparquet's decompressPage and the given compressors.
 */
function decompress(raw: Uint8Array, size: number, codec: CompressionCodec, compressors: Compressors, useOwnZstd: boolean, scratch: Scratch, out: Output): Uint8Array {
  if (codec === 'ZSTD' && useOwnZstd) {
    if (scratch.page.length < size) scratch.page = new Uint8Array(Math.max(size, scratch.page.length * 2))
    const page = scratch.page.subarray(0, size)
    try {
      zstdDecompressInto(raw, page)
      return page
    } catch (err) {
      if (!(err instanceof ZstdError)) throw err
      out.zstdFallbacks++
    }
  }
  return decompressPage(raw, size, codec, compressors)
}

/** The running output of a decode, shared by all pages of all row groups. */
interface Output {
  values: Float32Array
  lengths: Int32Array
  nullElements: Uint8Array
  /** Values written so far. */
  at: number
  /** Row being filled (-1 before the first). */
  row: number
  anyNull: boolean
  dataPages: number
  /** ZSTD pages the built-in decoder left to fzstd. */
  zstdFallbacks: number
}

/** Values of one data page, already stripped of its levels. */
interface PageValues {
  encoding: string | undefined
  bytes: Uint8Array
  pos: number
  end: number
}

function writeValues(v: PageValues, n: number, shape: LeafShape, dict: Float32Array | undefined, dest: Float32Array, at: number): void {
  switch (v.encoding) {
    case 'PLAIN':
      copyPlain(v.bytes, v.pos, n, shape.type, dest, at)
      return
    case 'RLE_DICTIONARY':
    case 'PLAIN_DICTIONARY':
      if (!dict) throw new Error('parquet dictionary page missing')
      if (n > 0) decodeDictionaryIndices(v.bytes, v.pos, v.end, n, dict, dest, at)
      return
    case 'BYTE_STREAM_SPLIT':
      copyByteStreamSplit(v.bytes, v.pos, n, shape.type, dest, at)
      return
    default:
      throw new Unsupported(`value encoding ${String(v.encoding)}`)
  }
}

/** Applies one data page's levels and values to the output. */
function applyPage(out: Output, shape: LeafShape, scratch: Scratch, n: number, allMax: boolean, values: PageValues, dict: Float32Array | undefined): void {
  const rep = scratch.rep.subarray(0, n)
  const { lengths } = out
  const totalRows = lengths.length
  if (n === 0) return
  if (out.row < 0 && rep[0] !== 0) throw new Error('parquet column starts inside a row')
  if (allMax) {
    // No nulls, no empty lists: every level is one value. Copy them in one go, then walk the
    // row starts (repetition level 0) to count each row's length.
    if (out.at + n > out.values.length) throw new Error('parquet column has more values than its metadata says')
    writeValues(values, n, shape, dict, out.values, out.at)
    out.at += n
    let last = 0
    let row = out.row
    for (let z = rep.indexOf(0); z !== -1; z = rep.indexOf(0, z + 1)) {
      if (row >= 0) lengths[row] = (lengths[row] as number) + (z - last)
      row++
      if (row >= totalRows) throw new Error('parquet column has more rows than its metadata says')
      lengths[row] = 0
      last = z
    }
    lengths[row] = (lengths[row] as number) + (n - last)
    out.row = row
    return
  }
  // Nulls or empty lists: decode the present values aside, then place them level by level.
  out.anyNull = true
  const def = scratch.def
  const { maxDef, defList, defEmpty } = shape
  let present = 0
  for (let k = 0; k < n; k++) if (def[k] === maxDef) present++
  const tmp = scratch.floats(present)
  writeValues(values, present, shape, dict, tmp, 0)
  const dest = out.values
  const { nullElements } = out
  let at = out.at
  let row = out.row
  let vi = 0
  for (let k = 0; k < n; k++) {
    if (rep[k] === 0) {
      row++
      if (row >= totalRows) throw new Error('parquet column has more rows than its metadata says')
      lengths[row] = 0
    }
    const d = def[k] as number
    if (d === maxDef) {
      dest[at++] = tmp[vi++] as number
      lengths[row] = (lengths[row] as number) + 1
    } else if (d >= defList) {
      // An entry of the list whose element is null.
      dest[at++] = NaN
      nullElements[row] = 1
      lengths[row] = (lengths[row] as number) + 1
    } else {
      lengths[row] = d < defEmpty ? -1 : 0
    }
  }
  out.at = at
  out.row = row
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted')
}

function isArrayBuffer(file: AsyncBuffer | ArrayBuffer): file is ArrayBuffer {
  return file instanceof ArrayBuffer || Object.prototype.toString.call(file) === '[object ArrayBuffer]'
}

/** Room for a page header (with its statistics) when reading a chunk in windows. */
const HEADER_BYTES = 1 << 16

/**
 * The bytes of one column chunk, [start, end) of the file, read whole (a view when the file is
 * in memory; one slice otherwise), or in windows of whole pages when maxSlice is finite.
 */
class ChunkWindow {
  bytes = new Uint8Array(0)
  /** File offset of bytes[0]. */
  base = 0
  fetched = 0
  private readonly file: AsyncBuffer | ArrayBuffer
  private readonly end: number
  private readonly maxSlice: number
  constructor(file: AsyncBuffer | ArrayBuffer, start: number, end: number, maxSlice: number) {
    if (start < 0 || end > file.byteLength || end < start) throw new Error('parquet column chunk lies outside the file')
    this.file = file
    this.end = end
    this.maxSlice = isArrayBuffer(file) ? Infinity : maxSlice
    this.base = start
  }
  /** Makes file bytes [pos, pos + length) available in `bytes`. */
  async need(pos: number, length: number): Promise<void> {
    if (pos + length > this.end) throw new Error('parquet page runs past its column chunk')
    if (pos >= this.base && pos + length <= this.base + this.bytes.length) return
    const size = Math.min(this.end - pos, Math.max(length, this.maxSlice))
    this.bytes = isArrayBuffer(this.file) ? new Uint8Array(this.file, pos, size) : new Uint8Array(await this.file.slice(pos, pos + size))
    this.base = pos
    this.fetched += size
  }
  /** The page header at file offset pos, and its length in bytes. */
  async header(pos: number): Promise<[PageHeader, number]> {
    let want = Math.min(HEADER_BYTES, this.end - pos)
    for (;;) {
      await this.need(pos, want)
      const reader = { view: new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength), offset: pos - this.base }
      try {
        const header: PageHeader = parquetHeader(reader)
        return [header, reader.offset - (pos - this.base)]
      } catch (err) {
        // A header that runs past the window: read more, unless the chunk has no more.
        const available = this.base + this.bytes.length - pos
        if (!(err instanceof RangeError) || available >= this.end - pos) throw err
        want = Math.min(this.end - pos, available * 2)
      }
    }
  }
}

async function decodeFlat(
  file: AsyncBuffer | ArrayBuffer,
  metadata: FileMetaData,
  columnName: string,
  groups: number[],
  compressors: Compressors,
  useOwnZstd: boolean,
  maxSliceBytes: number,
  signal: AbortSignal | undefined,
  stats: Partial<DecodeStats>,
): Promise<RawEmbeddings> {
  if (!LITTLE_ENDIAN) throw new Unsupported('big-endian platform')
  const shape = leafShape(metadata, columnName)
  const leafPath = shape.path.join('.')
  const chunks: ColumnChunk[] = []
  let totalRows = 0
  let totalLevels = 0
  for (const g of groups) {
    const rowGroup = metadata.row_groups[g]
    if (!rowGroup) throw new Error(`parquet row group ${g} not found`)
    const chunk = rowGroup.columns.find((c) => c.meta_data?.path_in_schema.join('.') === leafPath)
    if (!chunk?.meta_data) throw new Error(`parquet column chunk ${leafPath} not found in row group ${g}`)
    if (chunk.file_path) throw new Unsupported('column chunk in another file')
    chunks.push(chunk)
    totalRows += Number(rowGroup.num_rows)
    totalLevels += Number(chunk.meta_data.num_values)
  }

  const out: Output = {
    // One entry per level is an upper bound on values; without nulls it is exact.
    values: new Float32Array(totalLevels),
    lengths: new Int32Array(totalRows),
    nullElements: new Uint8Array(totalRows),
    at: 0,
    row: -1,
    anyNull: false,
    dataPages: 0,
    zstdFallbacks: 0,
  }
  const scratch = sharedScratch
  let rowsBefore = 0
  let bytesRead = 0
  const borrowDict = !scratch.dictBorrowed
  if (borrowDict) scratch.dictBorrowed = true
  // The pooled dictionary buffer, grown to the largest dictionary seen (null: not ours to use).
  const dictBuffer = (n: number): Float32Array | null => {
    if (!borrowDict) return null
    if (scratch.dict.length < n) scratch.dict = new Float32Array(n)
    return scratch.dict
  }
  try {
    for (let gi = 0; gi < chunks.length; gi++) {
      checkAborted(signal)
      const meta = (chunks[gi] as ColumnChunk).meta_data as NonNullable<ColumnChunk['meta_data']>
      const { codec } = meta
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset)
      const end = start + Number(meta.total_compressed_size)
      const window = new ChunkWindow(file, start, end, maxSliceBytes)
      // One slice for the whole chunk unless asked to bound it.
      await window.need(start, Math.min(end - start, Number.isFinite(maxSliceBytes) ? HEADER_BYTES : end - start))
      checkAborted(signal)
      const levelsInChunk = Number(meta.num_values)
      let levelsSeen = 0
      let dict: Float32Array | undefined
      let pos = start

      while (levelsSeen < levelsInChunk) {
        if (pos >= end) throw new Error('parquet column chunk ends before all its values')
        const [header, headerLength] = await window.header(pos)
        const compressedSize = header.compressed_page_size
        await window.need(pos, headerLength + compressedSize)
        const pageStart = pos + headerLength - window.base
        const raw = window.bytes.subarray(pageStart, pageStart + compressedSize)
        pos += headerLength + compressedSize

        if (header.type === 'DICTIONARY_PAGE') {
          const dph = header.dictionary_page_header
          if (!dph) throw new Error('parquet dictionary page header is undefined')
          if (dph.encoding !== 'PLAIN' && dph.encoding !== 'PLAIN_DICTIONARY') throw new Unsupported(`dictionary encoding ${String(dph.encoding)}`)
          const page = decompress(raw, header.uncompressed_page_size, codec, compressors, useOwnZstd, scratch, out)
          dict = readDictionary(page, dph.num_values, shape.type, dictBuffer(dph.num_values))
          continue
        }

        let n: number
        let values: PageValues
        let levelBytes: Uint8Array
        let repStart: number
        let repEnd: number
        let defStart: number
        let defEnd: number
        if (header.type === 'DATA_PAGE') {
          const dph = header.data_page_header
          if (!dph) throw new Error('parquet data page header is undefined')
          if (dph.repetition_level_encoding !== 'RLE' || dph.definition_level_encoding !== 'RLE') {
            throw new Unsupported(`level encoding ${String(dph.definition_level_encoding)}`)
          }
          n = dph.num_values
          const page = decompress(raw, header.uncompressed_page_size, codec, compressors, useOwnZstd, scratch, out)
          const view = new DataView(page.buffer, page.byteOffset, page.byteLength)
          let pos = 0
          repStart = 4
          repEnd = repStart + view.getUint32(pos, true)
          pos = repEnd
          defStart = pos + 4
          defEnd = defStart + view.getUint32(pos, true)
          pos = defEnd
          if (defEnd > page.length) throw new Error('parquet levels run past their page')
          levelBytes = page
          values = { encoding: dph.encoding, bytes: page, pos, end: page.length }
        } else if (header.type === 'DATA_PAGE_V2') {
          const dph = header.data_page_header_v2
          if (!dph) throw new Error('parquet data page header v2 is undefined')
          n = dph.num_values
          repStart = 0
          repEnd = dph.repetition_levels_byte_length
          defStart = repEnd
          defEnd = defStart + dph.definition_levels_byte_length
          if (defEnd > raw.length) throw new Error('parquet levels run past their page')
          levelBytes = raw
          let body: Uint8Array = raw.subarray(defEnd)
          if (dph.is_compressed !== false && codec !== 'UNCOMPRESSED') {
            body = decompress(body, header.uncompressed_page_size - defEnd, codec, compressors, useOwnZstd, scratch, out)
          }
          values = { encoding: dph.encoding, bytes: body, pos: 0, end: body.length }
        } else {
          // Index pages and anything newer carry no values of this column.
          continue
        }

        out.dataPages++
        levelsSeen += n
        if (levelsSeen > levelsInChunk) throw new Error('parquet column chunk has more values than its metadata says')
        scratch.levels(n)
        // Every row starts with repetition level 0; the first level of a chunk must be one.
        decodeLevels(levelBytes, repStart, repEnd, shape.repWidth, n, scratch.rep, -1)
        const allMax = decodeLevels(levelBytes, defStart, defEnd, shape.defWidth, n, scratch.def, shape.maxDef)
        if (levelsSeen === n && n > 0 && scratch.rep[0] !== 0) throw new Error('parquet column chunk starts inside a row')
        applyPage(out, shape, scratch, n, allMax, values, dict)
        checkAborted(signal)
      }
      bytesRead += window.fetched
      rowsBefore += Number(metadata.row_groups[groups[gi] as number]?.num_rows ?? 0)
      if (out.row + 1 !== rowsBefore) throw new Error(`parquet row group ${groups[gi]}: its column has a different number of rows than the row group`)
    }
  } finally {
    if (borrowDict) scratch.dictBorrowed = false
    scratch.trim()
  }

  const { lengths } = out
  let dims = 0
  for (let r = 0; r < totalRows; r++) {
    if ((lengths[r] as number) > 0) {
      dims = lengths[r] as number
      break
    }
  }
  let uniform = !out.anyNull && totalRows > 0
  if (uniform) {
    for (let r = 0; r < totalRows; r++) {
      if (lengths[r] !== dims) {
        uniform = false
        break
      }
    }
  }
  stats.path = uniform ? 'flat' : 'levels'
  stats.reason = uniform ? undefined : out.anyNull ? 'null or empty lists or null elements' : 'rows of different lengths'
  stats.dims = dims
  stats.rows = totalRows
  stats.dataPages = out.dataPages
  stats.bytesRead = bytesRead
  stats.zstdFallbacks = out.zstdFallbacks
  const values = out.at === out.values.length ? out.values : out.values.slice(0, out.at)
  return { values, lengths, nullElements: out.nullElements }
}

/** The general path: hyparquet's row API over this one column, flattened. */
async function decodeRows(
  file: AsyncBuffer | ArrayBuffer,
  metadata: FileMetaData,
  columnName: string,
  groups: number[],
  compressors: Compressors,
): Promise<RawEmbeddings> {
  const starts: number[] = []
  let rowStart = 0
  for (const rg of metadata.row_groups) {
    starts.push(rowStart)
    rowStart += Number(rg.num_rows)
  }
  const rows: unknown[] = []
  for (const g of groups) {
    const rg = metadata.row_groups[g]
    if (!rg) throw new Error(`parquet row group ${g} not found`)
    const groupStart = starts[g] as number
    const groupRows = Number(rg.num_rows)
    const part = new Array<unknown>(groupRows)
    await parquetRead({
      file,
      metadata,
      columns: [columnName],
      compressors,
      rowStart: groupStart,
      rowEnd: groupStart + groupRows,
      onChunk(chunk: ColumnData) {
        if (chunk.columnName !== columnName) return
        const end = Math.min(chunk.rowEnd, groupStart + groupRows)
        for (let r = Math.max(chunk.rowStart, groupStart); r < end; r++) part[r - groupStart] = chunk.columnData[r - chunk.rowStart]
      },
    })
    for (const v of part) rows.push(v)
  }
  return rawEmbeddingsFromRows(rows)
}

/**
 * Reads one list<float> / fixed_size_list<float> column into RawEmbeddings: exactly what
 * `rawEmbeddingsFromRows` gives over hyparquet's rows of that column, without building them.
 * Reads only that column's chunks (one slice per row group). Throws what hyparquet throws for a
 * file neither path can read, and the signal's reason when aborted.
 */
export async function decodeEmbeddingColumn(
  file: AsyncBuffer | ArrayBuffer,
  metadata: FileMetaData,
  columnName: string,
  opts: DecodeEmbeddingOptions = {},
): Promise<RawEmbeddings> {
  const { signal } = opts
  const stats = opts.stats ?? {}
  const compressors = opts.compressors ?? defaultCompressors
  const groups = opts.rowGroups ?? metadata.row_groups.map((_, i) => i)
  checkAborted(signal)
  try {
    const maxSlice = opts.maxSliceBytes ?? Infinity
    const givenZstd = opts.compressors?.ZSTD
    const useOwnZstd = !givenZstd || givenZstd === defaultCompressors.ZSTD
    stats.zstdDecoder = useOwnZstd ? 'built-in' : 'given'
    return await decodeFlat(file, metadata, columnName, groups, compressors, useOwnZstd, maxSlice, signal, stats)
  } catch (err) {
    if (signal?.aborted) throw signal.reason ?? err
    stats.path = 'rows'
    stats.reason = errorMessage(err)
    stats.dataPages = 0
  }
  const raw = await decodeRows(file, metadata, columnName, groups, compressors)
  checkAborted(signal)
  let dims = 0
  for (const len of raw.lengths) {
    if (len > 0) {
      dims = len
      break
    }
  }
  stats.dims = dims
  stats.rows = raw.lengths.length
  return raw
}
