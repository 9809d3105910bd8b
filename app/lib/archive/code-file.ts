// The archive index's code files (docs/index-format.md, "The code files"): one Parquet row per
// chip with its sign code, id, source file, row, centroid and date. Written by the builder in
// Node, read by the search worker in a browser tab, so everything here is plain TypeScript over
// typed arrays. A tab holds 1.2 M chips of these at once, so rows live in flat typed arrays: the
// ids are one UTF-8 buffer with offsets (about 20 bytes a chip), not 1.2 M strings.

import { ParquetWriter, ByteWriter } from 'hyparquet-writer'
import { parquetMetadataAsync, parquetRead } from 'hyparquet'
import type { AsyncBuffer, ColumnData, FileMetaData, SchemaElement } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { DatasetError, errorMessage } from '../errors.ts'

/** `date` for a chip without one (the column is null there). */
export const NO_DATE = -(2 ** 31)
/** Rows per row group at most (the doc's limit; a partitioned list spans several when bigger). */
export const MAX_GROUP_ROWS = 65_536
export const CODE_COLUMNS = ['code', 'id', 'source', 'row', 'lon', 'lat', 'date'] as const

/** Chip ids as one UTF-8 buffer: id i is bytes[offsets[i], offsets[i + 1]). */
export interface ChipIds {
  bytes: Uint8Array
  /** count + 1 entries. */
  offsets: Uint32Array
}

/** A code file's rows (or any run of them), column by column. */
export interface CodeRows {
  count: number
  /** Bytes per code (codeBytes(dims)). */
  codeBytes: number
  /** count × codeBytes, row-major. */
  codes: Uint8Array
  ids: ChipIds
  /** Index into the header's `sources`. */
  source: Int32Array
  /** Row in that file, counting every row. */
  row: Int32Array
  lon: Float32Array
  lat: Float32Array
  /** Days since 1970-01-01, NO_DATE where there is none. */
  date: Int32Array
}

const utf8 = new TextDecoder()
const utf8Encoder = new TextEncoder()

/** Chip i's id. */
export function chipIdAt(ids: ChipIds, i: number): string {
  return utf8.decode(ids.bytes.subarray(ids.offsets[i], ids.offsets[i + 1]))
}

/** Packs ids into one buffer. */
export function packChipIds(ids: readonly string[]): ChipIds {
  const encoded = ids.map((id) => utf8Encoder.encode(id))
  return packBytes(encoded)
}

function packBytes(parts: readonly Uint8Array[]): ChipIds {
  const offsets = new Uint32Array(parts.length + 1)
  let total = 0
  for (let i = 0; i < parts.length; i++) {
    total += (parts[i] as Uint8Array).length
    offsets[i + 1] = total
  }
  const bytes = new Uint8Array(total)
  for (let i = 0; i < parts.length; i++) bytes.set(parts[i] as Uint8Array, offsets[i])
  return { bytes, offsets }
}

/** Empty rows of `count` chips (ids empty), to fill column by column. */
function allocRows(count: number, codeBytes: number): CodeRows {
  return {
    count,
    codeBytes,
    codes: new Uint8Array(count * codeBytes),
    ids: { bytes: new Uint8Array(0), offsets: new Uint32Array(count + 1) },
    source: new Int32Array(count),
    row: new Int32Array(count),
    lon: new Float32Array(count),
    lat: new Float32Array(count),
    date: new Int32Array(count),
  }
}

/** Rows [start, end) of `rows`, as views where the columns allow (ids are copied). */
export function sliceCodeRows(rows: CodeRows, start: number, end: number): CodeRows {
  const b = rows.codeBytes
  const from = rows.ids.offsets[start] as number
  const offsets = rows.ids.offsets.slice(start, end + 1).map((o) => o - from)
  return {
    count: end - start,
    codeBytes: b,
    codes: rows.codes.subarray(start * b, end * b),
    ids: { bytes: rows.ids.bytes.slice(from, rows.ids.offsets[end]), offsets },
    source: rows.source.subarray(start, end),
    row: rows.row.subarray(start, end),
    lon: rows.lon.subarray(start, end),
    lat: rows.lat.subarray(start, end),
    date: rows.date.subarray(start, end),
  }
}

/** Runs of rows one after another, as one. */
export function joinCodeRows(runs: readonly CodeRows[], codeBytes: number): CodeRows {
  const count = runs.reduce((s, r) => s + r.count, 0)
  const out = allocRows(count, codeBytes)
  out.ids.bytes = new Uint8Array(runs.reduce((s, r) => s + r.ids.bytes.length, 0))
  let at = 0
  let idAt = 0
  for (const r of runs) {
    if (r.codeBytes !== codeBytes) throw new RangeError(`codes of ${r.codeBytes} bytes can't join codes of ${codeBytes}`)
    out.codes.set(r.codes, at * codeBytes)
    out.ids.bytes.set(r.ids.bytes, idAt)
    for (let i = 1; i <= r.count; i++) out.ids.offsets[at + i] = idAt + (r.ids.offsets[i] as number)
    out.source.set(r.source, at)
    out.row.set(r.row, at)
    out.lon.set(r.lon, at)
    out.lat.set(r.lat, at)
    out.date.set(r.date, at)
    at += r.count
    idAt += r.ids.bytes.length
  }
  return out
}

function schemaFor(codeBytes: number): SchemaElement[] {
  return [
    { name: 'root', num_children: CODE_COLUMNS.length },
    { name: 'code', type: 'FIXED_LEN_BYTE_ARRAY', type_length: codeBytes, repetition_type: 'REQUIRED' },
    { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'source', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'row', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'lon', type: 'FLOAT', repetition_type: 'REQUIRED' },
    { name: 'lat', type: 'FLOAT', repetition_type: 'REQUIRED' },
    { name: 'date', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
  ]
}

/**
 * Writes a code file one row group at a time (the merge streams lists through it). The codes
 * are random bits, so they are stored PLAIN and uncompressed (compressing them costs time and
 * saves nothing); the other columns are SNAPPY, the one codec hyparquet-writer has built in
 * (Node 20 has no zstd to hand it).
 */
export class CodeFileWriter {
  private readonly bytes = new ByteWriter()
  private readonly pq: ParquetWriter
  chips = 0

  constructor(
    readonly codeBytes: number,
    createdBy = 'chipfinder',
  ) {
    this.pq = new ParquetWriter({ writer: this.bytes, schema: schemaFor(codeBytes), codec: 'SNAPPY', createdBy })
  }

  /** Appends `rows` as one row group (1 to MAX_GROUP_ROWS rows). */
  writeGroup(rows: CodeRows): void {
    const { count, codeBytes } = rows
    if (codeBytes !== this.codeBytes) throw new RangeError(`codes of ${codeBytes} bytes can't go in a file of ${this.codeBytes}-byte codes`)
    if (!(count > 0 && count <= MAX_GROUP_ROWS)) throw new RangeError(`a row group holds 1 to ${MAX_GROUP_ROWS} rows, not ${count}`)
    const codes: Uint8Array[] = new Array(count)
    const ids: Uint8Array[] = new Array(count)
    const dates: (number | null)[] = new Array(count)
    for (let i = 0; i < count; i++) {
      codes[i] = rows.codes.subarray(i * codeBytes, (i + 1) * codeBytes)
      ids[i] = rows.ids.bytes.subarray(rows.ids.offsets[i], rows.ids.offsets[i + 1])
      const d = rows.date[i] as number
      dates[i] = d === NO_DATE ? null : d
    }
    this.pq.write({
      columnData: [
        { name: 'code', data: codes, encoding: 'PLAIN', codec: 'UNCOMPRESSED', statistics: false },
        { name: 'id', data: ids, encoding: 'PLAIN', statistics: false },
        { name: 'source', data: rows.source },
        { name: 'row', data: rows.row },
        { name: 'lon', data: rows.lon, statistics: false },
        { name: 'lat', data: rows.lat, statistics: false },
        { name: 'date', data: dates },
      ],
      rowGroupSize: count,
    })
    this.chips += count
  }

  finish(): ArrayBuffer {
    this.pq.finish()
    return this.bytes.getBuffer()
  }
}

/**
 * A code file holding `rows`, in row groups of the sizes given (they must sum to rows.count;
 * default runs of MAX_GROUP_ROWS).
 */
export function writeCodePart(rows: CodeRows, opts: { groups?: readonly number[]; createdBy?: string } = {}): ArrayBuffer {
  const groups = opts.groups ?? Array.from({ length: Math.ceil(rows.count / MAX_GROUP_ROWS) }, (_, g) => Math.min(MAX_GROUP_ROWS, rows.count - g * MAX_GROUP_ROWS))
  const sum = groups.reduce((s, g) => s + g, 0)
  if (sum !== rows.count) throw new RangeError(`row groups hold ${sum} rows; the part has ${rows.count}`)
  const w = new CodeFileWriter(rows.codeBytes, opts.createdBy)
  let at = 0
  for (const g of groups) {
    w.writeGroup(sliceCodeRows(rows, at, at + g))
    at += g
  }
  return w.finish()
}

export interface ReadCodePartOptions {
  /** Row groups to read (indices, ascending); default all. */
  rowGroups?: readonly number[]
  /** The file's parsed footer, when the caller has it. */
  metadata?: FileMetaData
  /** Bytes per code the header says; a file with another width is refused. */
  codeBytes?: number
  /** Name used in messages. */
  fileName?: string
}

function badFile(fileName: string, what: string): DatasetError {
  return new DatasetError('bad-index', fileName, `The index code file ${fileName} can't be used: ${what}. Rebuild the index with \`npm run index\`.`)
}

/** Copies one decoded column chunk into its place in `out` (base: out row of the group's first row). */
function place(out: CodeRows, ids: Uint8Array[], chunk: ColumnData, groupStart: number, base: number, lo: number, hi: number): void {
  const data = chunk.columnData as ArrayLike<unknown>
  const b = out.codeBytes
  for (let k = 0; k < data.length; k++) {
    const fileRow = chunk.rowStart + k
    if (fileRow < lo || fileRow >= hi) continue
    const i = base + fileRow - groupStart
    const v = data[k]
    switch (chunk.columnName) {
      case 'code':
        out.codes.set((v as Uint8Array).subarray(0, b), i * b)
        break
      case 'id':
        // hyparquet decodes UTF8-annotated columns to strings even with utf8: false
        ids[i] = typeof v === 'string' ? utf8Encoder.encode(v) : (v as Uint8Array)
        break
      case 'date':
        out.date[i] = typeof v === 'number' ? v : NO_DATE
        break
      default:
        out[chunk.columnName as 'source' | 'row' | 'lon' | 'lat'][i] = v as number
    }
  }
}

/** Reads a code file's rows (all of them, or the row groups asked for) into flat arrays. */
export async function readCodePart(file: AsyncBuffer, opts: ReadCodePartOptions = {}): Promise<CodeRows> {
  const fileName = opts.fileName ?? 'codes.parquet'
  let metadata: FileMetaData
  try {
    metadata = opts.metadata ?? (await parquetMetadataAsync(file, { geoparquet: false }))
  } catch (err) {
    throw badFile(fileName, `its footer is unreadable (${errorMessage(err)}); it may be truncated`)
  }
  const code = metadata.schema.find((e) => e.name === 'code')
  for (const name of CODE_COLUMNS) if (!metadata.schema.some((e) => e.name === name)) throw badFile(fileName, `it has no '${name}' column`)
  if (code?.type !== 'FIXED_LEN_BYTE_ARRAY' || !code.type_length) throw badFile(fileName, "its 'code' column isn't fixed-length bytes")
  const codeBytes = code.type_length
  if (opts.codeBytes !== undefined && opts.codeBytes !== codeBytes) throw badFile(fileName, `its codes are ${codeBytes} bytes; the header says ${opts.codeBytes}`)

  const groupStarts: number[] = []
  let at = 0
  for (const rg of metadata.row_groups) {
    groupStarts.push(at)
    at += Number(rg.num_rows)
  }
  const wanted = opts.rowGroups ?? metadata.row_groups.map((_, i) => i)
  for (const g of wanted) if (!(g >= 0 && g < metadata.row_groups.length)) throw badFile(fileName, `it has no row group ${g}`)
  const count = wanted.reduce((s, g) => s + Number((metadata.row_groups[g] as { num_rows: bigint }).num_rows), 0)
  const out = allocRows(count, codeBytes)
  const ids: Uint8Array[] = new Array(count)
  let base = 0
  for (const g of wanted) {
    const lo = groupStarts[g] as number
    const hi = lo + Number((metadata.row_groups[g] as { num_rows: bigint }).num_rows)
    const groupBase = base
    try {
      await parquetRead({
        file,
        metadata,
        columns: [...CODE_COLUMNS],
        rowStart: lo,
        rowEnd: hi,
        compressors,
        parsers: { dateFromDays: (days: number) => days },
        onChunk: (chunk) => place(out, ids, chunk, lo, groupBase, lo, hi),
      })
    } catch (err) {
      throw badFile(fileName, `row group ${g} is unreadable (${errorMessage(err)}); the file may be truncated`)
    }
    base += hi - lo
  }
  for (let i = 0; i < count; i++) if (!ids[i]) throw badFile(fileName, `row ${i} has no id`)
  out.ids = packBytes(ids)
  return out
}
