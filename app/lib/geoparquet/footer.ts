// What a file is, from its footer alone: rows, bbox, CRS, embedding column and dims, key/value
// metadata, and the model it came from. One small range request per file (the last 64 KB, and
// one more only when the footer is bigger), so a loader can look at thousands of files before
// reading any data: prune them by bbox, and skip the ones that don't belong to the dataset
// (checkIdentity).
//
// Pure TypeScript, no DOM: runs in workers. Untrusted input throughout: the footer is parsed by
// hyparquet's thrift reader; ARROW:schema (a base64 Arrow IPC flatbuffer) by the bounds-checked
// reader below.

import { parquetMetadata, parquetSchema } from 'hyparquet'
import type { AsyncBuffer, FileMetaData, SchemaTree } from 'hyparquet'
import { fileNameFromUrl, openRangeBuffer, type RangeBuffer } from '../http/range-buffer.ts'
import { bboxToLonLat, crsLabel, resolveCrs, type GeoCrs } from './geo-metadata.ts'
import {
  DATE_COLUMN_NAMES,
  asIsoDate,
  bboxFromStatistics,
  chooseGeometry,
  detectModel,
  fileKeyValue,
  findEmbeddingColumnOrNull,
  findOptionalColumns,
  gsdOf,
  leafOf,
  type GeometryChoice,
} from './read-embeddings.ts'
import { DatasetError, errorMessage } from '../errors.ts'
import type { ModelFamily, OptionalColumn } from './types.ts'

/** Bytes read from the end of a file for its footer: one request covers almost every footer. */
export const FOOTER_TAIL_BYTES = 64 * 1024
/** Footers larger than this are refused (a damaged length, or not an embeddings file). */
const MAX_FOOTER_BYTES = 64 * 1024 * 1024

export interface FileFooter {
  fileName: string
  byteLength: number
  rows: number
  rowGroups: number
  /**
   * [west, south, east, north] in lon/lat: the `geo` metadata bbox, else the statistics of the
   * bbox struct columns (GeoParquet 1.1), else null. Converted from the file's CRS when it
   * isn't lon/lat (edges sampled), null when that isn't possible.
   */
  bbox: [number, number, number, number] | null
  /** Where `bbox` came from. */
  bboxSource: 'geo' | 'bbox-columns' | null
  /** The file's CRS as written (undefined: absent, the spec's CRS84; null: unknown, lon/lat). */
  crs: GeoCrs
  /** A short label for it ("OGC:CRS84", "EPSG:3857"). */
  crsLabel: string
  /** 'lonlat', 'reproject' (readable, converted), or 'unsupported' (the file can't be read). */
  crsKind: 'lonlat' | 'reproject' | 'unsupported'
  /** The embedding column by the rule of thumb; null when there is none (or it's ambiguous). */
  embeddingColumn: string | null
  /**
   * Vector length when the footer says it: an Arrow fixed_size_list (ARROW:schema), else the
   * embedding leaf's value count when it is an exact multiple of the rows (every row a full,
   * non-null list, which is how producers write them). Null when not knowable before the data.
   */
  dims: number | null
  dimsSource: 'arrow-schema' | 'value-count' | null
  geometryColumn: string | null
  /** Short key/value entries (`date`, `gsd`, `uri`, `emb`, …); see FileSummary.keyValue. */
  keyValue: Record<string, string>
  gsd: number | null
  /** First and last date (yyyy-mm-dd) from the date column's statistics, else the kv `date`. */
  dateRange: [string, string] | null
  /** The optional per-chip columns present. */
  optionalColumns: OptionalColumn[]
  /** `source_model`, when the column's statistics say every row has the same. */
  sourceModel: string | null
  family: ModelFamily
  modelLabel: string | null
  /** HTTP requests this read made (for a URL, or a RangeBuffer; 0 for other buffers). */
  requests: number
  /** Bytes fetched for it (same cases). */
  bytesRead: number
  /** The parsed footer, only with `keepMetadata` (pass it to readEmbeddings to skip re-reading). */
  metadata?: FileMetaData
}

export interface ReadFooterOptions {
  signal?: AbortSignal
  fetch?: typeof fetch
  /** Name used in messages; defaults to the URL's last segment. */
  fileName?: string
  /**
   * The file's size when known (from a listing): then the footer costs exactly one request,
   * with no HEAD first. If the server reports another size, the read fails with 'changed'.
   */
  byteLength?: number
  /** Keep the parsed FileMetaData on the result (memory: tens of KB per file). */
  keepMetadata?: boolean
}

// ---------------------------------------------------------------------------------------------
// ARROW:schema

/** One top-level field of an Arrow schema, as far as the footer needs it. */
export interface ArrowField {
  name: string
  /** Arrow type: 'list', 'large_list', 'fixed_size_list', 'float', 'utf8', … ('other' otherwise). */
  type: string
  /** fixed_size_list: its length. */
  listSize?: number
  /** For lists: the element type ('float16', 'float32', 'float64', …). */
  valueType?: string
  /** `ARROW:extension:name` of the field (e.g. 'arrow.fixed_shape_tensor'). */
  extension?: string
}

const ARROW_TYPES: Record<number, string> = {
  1: 'null',
  2: 'int',
  3: 'float',
  4: 'binary',
  5: 'utf8',
  6: 'bool',
  7: 'decimal',
  8: 'date',
  9: 'time',
  10: 'timestamp',
  11: 'interval',
  12: 'list',
  13: 'struct',
  14: 'union',
  15: 'fixed_size_binary',
  16: 'fixed_size_list',
  17: 'map',
  18: 'duration',
  19: 'large_binary',
  20: 'large_utf8',
  21: 'large_list',
  22: 'run_end_encoded',
  23: 'binary_view',
  24: 'utf8_view',
  25: 'list_view',
  26: 'large_list_view',
}

/** A bounds-checked flatbuffer reader: every offset is checked, any fault throws RangeError. */
class FlatBuffer {
  private readonly view: DataView
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  private check(at: number, size: number): void {
    if (!(at >= 0 && at + size <= this.bytes.length)) throw new RangeError('flatbuffer offset out of range')
  }
  u8(at: number): number {
    this.check(at, 1)
    return this.view.getUint8(at)
  }
  u16(at: number): number {
    this.check(at, 2)
    return this.view.getUint16(at, true)
  }
  i16(at: number): number {
    this.check(at, 2)
    return this.view.getInt16(at, true)
  }
  i32(at: number): number {
    this.check(at, 4)
    return this.view.getInt32(at, true)
  }
  u32(at: number): number {
    this.check(at, 4)
    return this.view.getUint32(at, true)
  }
  /** Position of a table's field, or 0 when absent. */
  field(table: number, slot: number): number {
    const vtable = table - this.i32(table)
    const vtableSize = this.u16(vtable)
    const o = 4 + 2 * slot
    if (o + 2 > vtableSize) return 0
    const off = this.u16(vtable + o)
    return off === 0 ? 0 : table + off
  }
  /** Follows the offset stored at `at`. */
  deref(at: number): number {
    return at + this.u32(at)
  }
  table(table: number, slot: number): number {
    const f = this.field(table, slot)
    return f === 0 ? 0 : this.deref(f)
  }
  string(table: number, slot: number): string | null {
    const f = this.field(table, slot)
    if (f === 0) return null
    const s = this.deref(f)
    const len = this.u32(s)
    this.check(s + 4, len)
    return new TextDecoder().decode(this.bytes.subarray(s + 4, s + 4 + len))
  }
  /** Positions of a vector-of-tables' elements. */
  tables(table: number, slot: number, max: number): number[] {
    const f = this.field(table, slot)
    if (f === 0) return []
    const v = this.deref(f)
    const len = this.u32(v)
    if (len > max) throw new RangeError('flatbuffer vector too long')
    const out: number[] = []
    for (let i = 0; i < len; i++) out.push(this.deref(v + 4 + 4 * i))
    return out
  }
}

function base64Bytes(text: string): Uint8Array | null {
  const clean = text.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return null
  try {
    const bin = atob(clean)
    const out = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
    return out
  } catch {
    return null
  }
}

const FLOAT_PRECISION = ['float16', 'float32', 'float64']

/** A Field table's type (union tag at slot 2, table at slot 3). */
function fieldType(fb: FlatBuffer, field: number): { type: string; table: number } {
  const tagAt = fb.field(field, 2)
  const typeId = tagAt === 0 ? 0 : fb.u8(tagAt)
  return { type: ARROW_TYPES[typeId] ?? 'other', table: fb.table(field, 3) }
}

/**
 * The top-level fields of an `ARROW:schema` entry (base64 of an Arrow IPC Schema message, as
 * pyarrow and arrow-rs write it, with or without the 0xFFFFFFFF continuation marker). Null when
 * it isn't one.
 */
export function parseArrowSchema(base64: string | undefined): ArrowField[] | null {
  if (typeof base64 !== 'string' || base64.length > 4 * MAX_FOOTER_BYTES) return null
  const bytes = base64Bytes(base64)
  if (!bytes || bytes.length < 8) return null
  try {
    const head = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const start = head.getUint32(0, true) === 0xffffffff ? 8 : 4
    const fb = new FlatBuffer(bytes.subarray(start))
    const message = fb.deref(0)
    // Message: version (0), header_type (1), header (2). MessageHeader.Schema is 1.
    const headerTypeAt = fb.field(message, 1)
    if (headerTypeAt === 0 || fb.u8(headerTypeAt) !== 1) return null
    const schema = fb.table(message, 2)
    if (schema === 0) return null
    const fields: ArrowField[] = []
    for (const f of fb.tables(schema, 1, 10_000)) {
      const name = fb.string(f, 0) ?? ''
      const { type, table } = fieldType(fb, f)
      const out: ArrowField = { name, type }
      if (type === 'fixed_size_list' && table !== 0) {
        const at = fb.field(table, 0)
        out.listSize = at === 0 ? 0 : fb.i32(at)
      }
      if (type === 'list' || type === 'large_list' || type === 'fixed_size_list') {
        const [child] = fb.tables(f, 5, 1)
        if (child !== undefined) {
          const c = fieldType(fb, child)
          out.valueType = c.type
          if (c.type === 'float' && c.table !== 0) {
            const at = fb.field(c.table, 0)
            out.valueType = FLOAT_PRECISION[at === 0 ? 0 : fb.i16(at)] ?? 'float'
          }
        }
      }
      for (const kv of fb.tables(f, 6, 1000)) {
        if (fb.string(kv, 0) === 'ARROW:extension:name') out.extension = fb.string(kv, 1) ?? undefined
      }
      fields.push(out)
    }
    return fields
  } catch {
    return null
  }
}

// ---------------------------------------------------------------------------------------------
// The footer

function dimsFromValueCount(metadata: FileMetaData, column: SchemaTree, rows: number): number | null {
  if (!(rows > 0)) return null
  const leafPath = leafOf(column).path.join('\u0000')
  let values = 0
  for (const rg of metadata.row_groups) {
    const chunk = rg.columns.find((c) => c.meta_data?.path_in_schema.join('\u0000') === leafPath)
    if (!chunk?.meta_data) return null
    values += Number(chunk.meta_data.num_values)
  }
  const dims = values / rows
  return Number.isInteger(dims) && dims >= 2 ? dims : null
}

/** One string that a column's statistics say every row has, or null. */
function uniformStatistic(metadata: FileMetaData, column: string): string | null {
  let value: string | null = null
  for (const rg of metadata.row_groups) {
    const chunk = rg.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === column)
    const s = chunk?.meta_data?.statistics
    const min = s?.min_value ?? s?.min
    const max = s?.max_value ?? s?.max
    if (typeof min !== 'string' || min !== max || (s?.null_count !== undefined && s.null_count > 0n)) return null
    // A truncated statistic isn't the value itself.
    if (s?.is_min_value_exact === false || s?.is_max_value_exact === false) return null
    if (value !== null && value !== min) return null
    value = min
  }
  return value
}

function dateRangeOf(metadata: FileMetaData, column: string | null, keyValue: Record<string, string>): [string, string] | null {
  if (column !== null && metadata.row_groups.length > 0) {
    let lo: string | null = null
    let hi: string | null = null
    for (const rg of metadata.row_groups) {
      const chunk = rg.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === column)
      const s = chunk?.meta_data?.statistics
      const a = asIsoDate(s?.min_value ?? s?.min)
      const b = asIsoDate(s?.max_value ?? s?.max)
      if (a === null || b === null) {
        lo = null
        break
      }
      if (lo === null || a < lo) lo = a
      if (hi === null || b > hi) hi = b
    }
    if (lo !== null && hi !== null) return [lo, hi]
  }
  const d = asIsoDate(Object.hasOwn(keyValue, 'date') ? keyValue.date : null)
  return d ? [d, d] : null
}

/** Everything the footer says, from parsed metadata (no I/O). */
export function describeFooter(metadata: FileMetaData, fileName: string, byteLength: number): FileFooter {
  const columns = parquetSchema(metadata).children
  const rows = Number(metadata.num_rows)
  const embedding = findEmbeddingColumnOrNull(columns)
  const embeddingColumn = embedding?.element.name ?? null

  let dims: number | null = null
  let dimsSource: FileFooter['dimsSource'] = null
  if (embedding) {
    const arrow = parseArrowSchema(metadata.key_value_metadata?.find((kv) => kv.key === 'ARROW:schema')?.value)
    const field = arrow?.find((f) => f.name === embeddingColumn)
    if (field?.type === 'fixed_size_list' && field.listSize !== undefined && field.listSize > 0) {
      dims = field.listSize
      dimsSource = 'arrow-schema'
    } else {
      dims = dimsFromValueCount(metadata, embedding, rows)
      if (dims !== null) dimsSource = 'value-count'
    }
  }

  let geometry: GeometryChoice | null
  try {
    geometry = chooseGeometry(metadata, columns, fileName)
  } catch {
    geometry = null
  }
  const crs = geometry?.crs
  const resolution = resolveCrs(crs)
  let bbox: [number, number, number, number] | null = null
  let bboxSource: FileFooter['bboxSource'] = null
  const declared = geometry?.bbox ?? null
  const fromColumns = declared ? null : bboxFromStatistics(metadata, geometry?.covering ?? null)
  const native = declared ?? fromColumns
  if (native) {
    bbox = bboxToLonLat(native, resolution)
    if (bbox) bboxSource = declared ? 'geo' : 'bbox-columns'
  }

  const keyValue = fileKeyValue(metadata)
  const leaves = new Set(columns.filter((c) => c.children.length === 0).map((c) => c.element.name))
  const dateColumn = DATE_COLUMN_NAMES.find((n) => leaves.has(n)) ?? null
  const optional = findOptionalColumns(columns)
  const sourceModelColumn = optional.get('sourceModel')
  const sourceModel = sourceModelColumn ? uniformStatistic(metadata, sourceModelColumn) : null
  const model = detectModel({
    fileName,
    columns: new Set(columns.map((c) => c.element.name)),
    embeddingColumn,
    dims,
    keyValue,
    sourceModel,
    clayV0Ids: null,
  })

  return {
    fileName,
    byteLength,
    rows,
    rowGroups: metadata.row_groups.length,
    bbox,
    bboxSource,
    crs,
    crsLabel: crsLabel(crs),
    crsKind: resolution.kind,
    embeddingColumn,
    dims,
    dimsSource,
    geometryColumn: geometry?.column ?? null,
    keyValue,
    gsd: gsdOf(keyValue),
    dateRange: dateRangeOf(metadata, dateColumn, keyValue),
    optionalColumns: [...optional.keys()],
    sourceModel,
    family: model.family,
    modelLabel: model.modelLabel,
    requests: 0,
    bytesRead: 0,
  }
}

function notParquet(fileName: string, why: string): DatasetError {
  return new DatasetError('not-parquet', fileName, `${fileName} isn't a Parquet file (${why}).`)
}

/** The footer bytes (metadata + length + PAR1) from the end of a file: one slice, two when large. */
async function footerBytes(file: AsyncBuffer, fileName: string): Promise<ArrayBuffer> {
  const size = file.byteLength
  if (size === 0) throw new DatasetError('empty', fileName, `${fileName} is empty (0 bytes).`)
  if (size < 12) throw notParquet(fileName, 'it is too short')
  const tailStart = Math.max(0, size - FOOTER_TAIL_BYTES)
  const tail = await file.slice(tailStart, size)
  if (tail.byteLength !== size - tailStart) throw notParquet(fileName, 'its end could not be read')
  const view = new DataView(tail)
  if (view.getUint32(tail.byteLength - 4, true) !== 0x31524150) throw notParquet(fileName, "it doesn't end with the Parquet marker 'PAR1'")
  const metadataLength = view.getUint32(tail.byteLength - 8, true)
  const footerLength = metadataLength + 8
  if (footerLength > size - 4 || metadataLength > MAX_FOOTER_BYTES) throw notParquet(fileName, 'its footer is damaged')
  if (footerLength <= tail.byteLength) return tail.slice(tail.byteLength - footerLength)
  // A footer bigger than the tail: fetch only the part before it.
  const headStart = size - footerLength
  const head = await file.slice(headStart, tailStart)
  const out = new Uint8Array(footerLength)
  out.set(new Uint8Array(head), 0)
  out.set(new Uint8Array(tail), tailStart - headStart)
  return out.buffer
}

/**
 * Reads a file's footer and says what the file is (FileFooter). `source` is a URL (ranged reads
 * through range-buffer.ts: a HEAD for the size unless `byteLength` is given, then one range
 * request for the last 64 KB, and one more only for a larger footer) or any AsyncBuffer /
 * ArrayBuffer. Throws DatasetError: http / network / empty / not-parquet / changed / aborted.
 */
export async function readFooter(source: string | AsyncBuffer | ArrayBuffer, opts: ReadFooterOptions = {}): Promise<FileFooter> {
  const { signal } = opts
  const fileName = opts.fileName ?? (typeof source === 'string' ? fileNameFromUrl(source) : 'file')
  if (signal?.aborted) throw new DatasetError('aborted', fileName, `Reading ${fileName} was cancelled.`)
  let file: AsyncBuffer
  let requests = (): number => 0
  let bytesRead = (): number => 0
  if (typeof source === 'string') {
    const known = opts.byteLength
    const inner: typeof fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init))
    let sent = 0
    let fetchImpl: typeof fetch = async (input, init) => {
      sent++
      return inner(input, init)
    }
    if (known !== undefined && Number.isSafeInteger(known) && known >= 0) {
      // The listing gave the size: answer openRangeBuffer's HEAD here instead of on the network,
      // and check the size the server reports on the range request against it.
      const counted = fetchImpl
      fetchImpl = async (input, init) => {
        if ((init?.method ?? 'GET') === 'HEAD') return new Response(null, { status: 200, headers: { 'Content-Length': String(known) } })
        const res = await counted(input, init)
        const total = /\/(\d+)\s*$/.exec(res.headers.get('Content-Range') ?? '')?.[1]
        if (res.status === 206 && total !== undefined && Number(total) !== known) {
          await res.body?.cancel().catch(() => {})
          throw new DatasetError(
            'changed',
            fileName,
            `${fileName} is ${total} bytes now but was listed with ${known}: it changed since the folder was listed. Open the folder again.`,
          )
        }
        return res
      }
    }
    const buffer = await openRangeBuffer(source, { signal, fetch: fetchImpl, fileName })
    file = buffer
    requests = () => sent
    bytesRead = () => buffer.bytesRead()
  } else if (source instanceof ArrayBuffer) {
    file = { byteLength: source.byteLength, slice: (s, e) => source.slice(s, e) }
  } else {
    file = source
    // A RangeBuffer the caller opened (to read the data through it next): count what this read adds.
    const counted = source as Partial<Pick<RangeBuffer, 'requests' | 'bytesRead'>>
    if (typeof counted.requests === 'function' && typeof counted.bytesRead === 'function') {
      const r = counted.requests
      const b = counted.bytesRead
      const r0 = r()
      const b0 = b()
      requests = () => r() - r0
      bytesRead = () => b() - b0
    }
  }

  const bytes = await footerBytes(file, fileName)
  if (signal?.aborted) throw new DatasetError('aborted', fileName, `Reading ${fileName} was cancelled.`)
  let metadata: FileMetaData
  try {
    metadata = parquetMetadata(bytes, { geoparquet: false })
  } catch (err) {
    throw notParquet(fileName, `its footer can't be read: ${errorMessage(err)}`)
  }
  const footer = describeFooter(metadata, fileName, file.byteLength)
  footer.requests = requests()
  footer.bytesRead = bytesRead()
  if (opts.keepMetadata) footer.metadata = metadata
  return footer
}

// ---------------------------------------------------------------------------------------------
// Identity: does a file belong to a dataset?

/** What makes two files' vectors comparable. */
export interface DatasetIdentity {
  family: ModelFamily
  modelLabel: string | null
  dims: number | null
  embeddingColumn: string | null
  sourceModel: string | null
}

/** The identity of a footer or of a read file's summary. */
export function datasetIdentity(x: {
  family: ModelFamily
  modelLabel: string | null
  dims: number | null
  embeddingColumn: string | null
  sourceModel?: string | null
}): DatasetIdentity {
  return {
    family: x.family,
    modelLabel: x.modelLabel,
    dims: x.dims,
    embeddingColumn: x.embeddingColumn,
    sourceModel: x.sourceModel ?? null,
  }
}

function modelWords(id: DatasetIdentity): string {
  return id.sourceModel ?? id.modelLabel ?? id.family
}

/**
 * Null when a file (`file`) can join a dataset (`dataset`); otherwise why not, in words for the
 * person ("this file's embeddings are 1024-d; the dataset's are 768-d"). Unknowns (null dims,
 * 'unknown' family) never count as a mismatch.
 */
export function checkIdentity(file: DatasetIdentity, dataset: DatasetIdentity): string | null {
  if (file.dims !== null && dataset.dims !== null && file.dims !== dataset.dims) {
    return `this file's embeddings are ${file.dims}-d; the dataset's are ${dataset.dims}-d`
  }
  if (file.family !== 'unknown' && dataset.family !== 'unknown' && file.family !== dataset.family) {
    return `this file holds ${modelWords(file)} embeddings; the dataset holds ${modelWords(dataset)} embeddings`
  }
  if (file.sourceModel !== null && dataset.sourceModel !== null && file.sourceModel !== dataset.sourceModel) {
    return `this file's embeddings come from ${file.sourceModel}; the dataset's from ${dataset.sourceModel}`
  }
  if (file.embeddingColumn !== null && dataset.embeddingColumn !== null && file.embeddingColumn !== dataset.embeddingColumn) {
    return `this file keeps its embeddings in column '${file.embeddingColumn}'; the dataset's files use '${dataset.embeddingColumn}'`
  }
  return null
}
