// Reads one GeoParquet embeddings file into an EmbeddingTable: one Float32Array of vectors, the
// footprints as flat rings, and ids/dates per kept row. Pure TypeScript (no DOM), so it runs in
// the search worker and in Node tests alike.
//
// Shape of a read: footer → pick columns (embedding, geometry, and the optional id/date/url
// columns) → hyparquet reads only those column chunks → the embedding column is flattened into
// RawEmbeddings → rows are checked and kept or skipped → typed arrays out. A flat decoder of the
// embedding leaf column (a later issue) only has to produce RawEmbeddings to slot in.

import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet'
import type { AsyncBuffer, ColumnData, FileMetaData, SchemaTree } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { clayV0ChipId, genericChipId } from './chip-id.ts'
import { crsLabel, isLonLatCrs, parseGeoMetadata, type GeoCrs } from './geo-metadata.ts'
import { DatasetError, type EmbeddingTable, type ReadProgress, type SkippedRow } from './types.ts'
import { decodeOuterRing } from './wkb.ts'

export interface ReadEmbeddingsOptions {
  fileName: string
  signal?: AbortSignal
  onProgress?: (p: ReadProgress) => void
  /** Bytes fetched so far, when the caller counts them (e.g. RangeBuffer.bytesRead). */
  bytesRead?: () => number
}

/** Names tried, in order, before falling back to "the only list of floats". */
export const EMBEDDING_COLUMN_NAMES = ['embeddings', 'embedding', 'emb'] as const
const ID_COLUMN_NAMES = ['chips_id', 'id'] as const
const DATE_COLUMN_NAMES = ['date', 'datetime'] as const

/**
 * The embedding column of every row before any row is dropped: the concatenated vectors of the
 * rows that have one, in row order, and each row's length. This is what the leaf column of a
 * list<float> holds, so a flat decoder can fill it without building per-row arrays.
 */
export interface RawEmbeddings {
  /** Values of all non-null lists, concatenated in row order. */
  values: Float32Array
  /** Per row: list length, or -1 for a null list. */
  lengths: Int32Array
  /** Per row: 1 when the list has a null element (Parquet lists may have optional elements). */
  nullElements: Uint8Array
}

function aborted(fileName: string): DatasetError {
  return new DatasetError('aborted', fileName, `Reading ${fileName} was cancelled.`)
}

function isFloatLeaf(node: SchemaTree): boolean {
  return node.children.length === 0 && (node.element.type === 'FLOAT' || node.element.type === 'DOUBLE')
}

/**
 * True for a column holding one list of floats per row: the 3-level LIST (Arrow's list and
 * fixed_size_list both land here), the legacy 2-level form, or a bare repeated float field.
 */
export function isFloatListColumn(node: SchemaTree): boolean {
  if (node.element.repetition_type === 'REPEATED') return isFloatLeaf(node)
  if (node.children.length !== 1) return false
  const repeated = node.children[0] as SchemaTree
  if (repeated.element.repetition_type !== 'REPEATED') return false
  if (isFloatLeaf(repeated)) return true
  return repeated.children.length === 1 && isFloatLeaf(repeated.children[0] as SchemaTree)
}

/** A column's type in the words a person reading an error knows: string, binary, list<float>… */
function typeWords(node: SchemaTree): string {
  const e = node.element
  if (node.children.length > 0) {
    let leaf = node
    while (leaf.children.length === 1) leaf = leaf.children[0] as SchemaTree
    const isList = e.converted_type === 'LIST' || e.logical_type?.type === 'LIST'
    return isList && leaf.children.length === 0 ? `list<${typeWords(leaf)}>` : 'struct'
  }
  if (e.converted_type === 'UTF8' || e.logical_type?.type === 'STRING') return 'string'
  if (e.logical_type?.type === 'GEOMETRY' || e.logical_type?.type === 'GEOGRAPHY') return 'geometry'
  if (e.converted_type === 'DATE') return 'date'
  if (e.converted_type?.startsWith('TIMESTAMP') || e.logical_type?.type === 'TIMESTAMP') return 'timestamp'
  if (e.type === 'BYTE_ARRAY' || e.type === 'FIXED_LEN_BYTE_ARRAY') return 'binary'
  const t = (e.type ?? '?').toLowerCase()
  return e.repetition_type === 'REPEATED' ? `list<${t}>` : t
}

function describeColumn(node: SchemaTree): string {
  return `${node.element.name} (${typeWords(node)})`
}

function findEmbeddingColumn(columns: SchemaTree[], fileName: string): SchemaTree {
  for (const name of EMBEDDING_COLUMN_NAMES) {
    const c = columns.find((col) => col.element.name === name)
    if (c && isFloatListColumn(c)) return c
  }
  const lists = columns.filter(isFloatListColumn)
  if (lists.length === 1) return lists[0] as SchemaTree
  const found = columns.map(describeColumn).join(', ') || 'none'
  const why = lists.length > 1 ? ` It has several lists of floats (${lists.map((c) => c.element.name).join(', ')}) and none has a known name.` : ''
  throw new DatasetError(
    'no-embedding-column',
    fileName,
    `${fileName} has no embedding column: expected a list of floats named 'embeddings' or 'embedding'.${why} Columns found: ${found}.`,
  )
}

interface GeometryChoice {
  column: string
  crs: GeoCrs
  bbox: [number, number, number, number] | null
}

function isBinaryLeaf(node: SchemaTree | undefined): boolean {
  return !!node && node.children.length === 0 && node.element.type === 'BYTE_ARRAY' && node.element.repetition_type !== 'REPEATED'
}

function chooseGeometry(metadata: FileMetaData, columns: SchemaTree[], fileName: string): GeometryChoice {
  const byName = new Map(columns.map((c) => [c.element.name, c]))
  const geoJson = metadata.key_value_metadata?.find((kv) => kv.key === 'geo')?.value
  const geo = parseGeoMetadata(geoJson)
  if (geo) {
    const col = byName.get(geo.primaryColumn)
    if (!isBinaryLeaf(col)) {
      throw new DatasetError(
        'no-geometry',
        fileName,
        `${fileName}'s GeoParquet metadata names the geometry column '${geo.primaryColumn}', but the file has no such binary column.`,
      )
    }
    const encoding = geo.primary?.encoding
    if (encoding && encoding.toUpperCase() !== 'WKB') {
      throw new DatasetError(
        'no-geometry',
        fileName,
        `${fileName} stores its footprints as '${encoding}'; only WKB footprints can be read.`,
      )
    }
    return { column: geo.primaryColumn, crs: geo.primary?.crs, bbox: geo.primary?.bbox ?? null }
  }
  // No (readable) geo metadata: a native Parquet GEOMETRY column, else one named like GeoPandas does.
  const native = columns.find((c) => isBinaryLeaf(c) && (c.element.logical_type?.type === 'GEOMETRY' || c.element.logical_type?.type === 'GEOGRAPHY'))
  if (native) {
    const lt = native.element.logical_type
    const crs = lt && 'crs' in lt && typeof lt.crs === 'string' ? lt.crs : undefined
    return { column: native.element.name, crs, bbox: null }
  }
  for (const name of ['geometry', 'geom']) {
    if (isBinaryLeaf(byName.get(name))) return { column: name, crs: undefined, bbox: null }
  }
  throw new DatasetError(
    'no-geometry',
    fileName,
    `${fileName} has no footprints: there is no GeoParquet 'geo' metadata and no 'geometry' column.`,
  )
}

const textDecoder = new TextDecoder()

function asText(v: unknown): string | null {
  if (typeof v === 'string') return v
  if (v instanceof Uint8Array) return textDecoder.decode(v)
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  return null
}

const ISO_DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})/

/** yyyy-mm-dd of a DATE (hyparquet: Date at UTC midnight), a timestamp (Date), or a string. */
function asIsoDate(v: unknown): string | null {
  if (v instanceof Date) {
    const t = v.getTime()
    return Number.isFinite(t) ? v.toISOString().slice(0, 10) : null
  }
  if (typeof v === 'string') return ISO_DATE_PREFIX.exec(v.trim())?.[1] ?? null
  return null
}

/** Flattens hyparquet's per-row arrays into RawEmbeddings (the row-API path; see the header). */
export function rawEmbeddingsFromRows(rows: ArrayLike<unknown>): RawEmbeddings {
  const n = rows.length
  const lengths = new Int32Array(n)
  const nullElements = new Uint8Array(n)
  let total = 0
  for (let r = 0; r < n; r++) {
    const v = rows[r]
    const len = Array.isArray(v) || ArrayBuffer.isView(v) ? (v as ArrayLike<unknown>).length : -1
    lengths[r] = len
    if (len > 0) total += len
  }
  const values = new Float32Array(total)
  let at = 0
  for (let r = 0; r < n; r++) {
    const len = lengths[r] as number
    if (len <= 0) continue
    const v = rows[r] as ArrayLike<unknown>
    for (let i = 0; i < len; i++) {
      const x = v[i]
      if (typeof x === 'number') {
        values[at + i] = x
      } else {
        nullElements[r] = 1
        values[at + i] = NaN
      }
    }
    at += len
  }
  return { values, lengths, nullElements }
}

/**
 * Checks every row's vector: one length for all (else 'ragged'), finite values, no nulls.
 * Returns dims and a reason per bad row (undefined for good rows).
 */
function checkEmbeddings(raw: RawEmbeddings, fileName: string): { dims: number; reasons: (string | undefined)[] } {
  const n = raw.lengths.length
  let dims = 0
  let dimsRow = -1
  for (let r = 0; r < n; r++) {
    const len = raw.lengths[r] as number
    if (len > 0) {
      dims = len
      dimsRow = r
      break
    }
  }
  const reasons: (string | undefined)[] = new Array(n)
  let at = 0
  const { values } = raw
  for (let r = 0; r < n; r++) {
    const len = raw.lengths[r] as number
    if (len < 0) {
      reasons[r] = 'embedding is missing (null)'
      continue
    }
    if (len === 0) {
      reasons[r] = 'embedding is empty'
      continue
    }
    if (len !== dims) {
      throw new DatasetError(
        'ragged',
        fileName,
        `${fileName} can't be searched: rows have different embedding lengths: ${dims} values in row ${dimsRow}, ${len} in row ${r}.`,
      )
    }
    if (raw.nullElements[r]) {
      reasons[r] = 'embedding has null values'
    } else {
      for (let i = at, end = at + len; i < end; i++) {
        const x = values[i] as number
        // NaN fails both comparisons; ±Infinity fails one.
        if (!(x > -Infinity && x < Infinity)) {
          reasons[r] = x !== x ? 'embedding has NaN values' : 'embedding has infinite values'
          break
        }
      }
    }
    at += len
  }
  return { dims, reasons }
}

function mapReadError(err: unknown, fileName: string, signal: AbortSignal | undefined, stage: 'footer' | 'data'): DatasetError {
  if (err instanceof DatasetError) return err
  if (signal?.aborted) return aborted(fileName)
  const raw = err instanceof Error ? err.message : String(err)
  if (stage === 'footer') {
    let why = raw
    if (/footer != PAR1|too short/i.test(raw) || err instanceof RangeError) why = "it doesn't end with the Parquet marker 'PAR1'"
    else if (/metadata length/i.test(raw)) why = 'its footer is damaged'
    return new DatasetError('not-parquet', fileName, `${fileName} isn't a Parquet file (${why}).`)
  }
  return new DatasetError('not-parquet', fileName, `${fileName} looks like Parquet but its data couldn't be decoded (${raw}).`)
}

/** Places each column chunk at its rows, so chunks can arrive in any order. */
function collectColumns(names: string[], totalRows: number): { columns: Map<string, unknown[]>; onChunk: (c: ColumnData) => void } {
  const columns = new Map<string, unknown[]>()
  for (const name of names) columns.set(name, new Array<unknown>(totalRows))
  return {
    columns,
    // Runs inside hyparquet's promise callbacks, where a throw would go unhandled: keep it total.
    onChunk(chunk) {
      const out = columns.get(chunk.columnName)
      if (!out) return
      const data = chunk.columnData
      const end = Math.min(chunk.rowEnd, totalRows)
      for (let r = Math.max(0, chunk.rowStart); r < end; r++) out[r] = data[r - chunk.rowStart]
    },
  }
}

/** Reads one GeoParquet embeddings file. Throws DatasetError for every way a file can be unusable. */
export async function readEmbeddings(file: AsyncBuffer | ArrayBuffer, opts: ReadEmbeddingsOptions): Promise<EmbeddingTable> {
  const { fileName, signal, onProgress } = opts
  const checkAborted = (): void => {
    if (signal?.aborted) throw aborted(fileName)
  }
  const totalBytes = file.byteLength
  const bytesRead = (): number => opts.bytesRead?.() ?? (file instanceof ArrayBuffer ? totalBytes : 0)
  const progress = (chips: number): void => onProgress?.({ bytesRead: bytesRead(), totalBytes, chips })

  checkAborted()
  if (totalBytes === 0) throw new DatasetError('empty', fileName, `${fileName} is empty (0 bytes).`)

  // geoparquet:false because hyparquet's own geo handling JSON.parses the untrusted metadata
  // without a guard and turns WKB into GeoJSON objects; we parse both ourselves.
  let metadata: FileMetaData
  try {
    metadata = await parquetMetadataAsync(file, { geoparquet: false })
  } catch (err) {
    throw mapReadError(err, fileName, signal, 'footer')
  }
  checkAborted()
  progress(0)

  const topColumns = parquetSchema(metadata).children
  const embeddingNode = findEmbeddingColumn(topColumns, fileName)
  const embeddingColumn = embeddingNode.element.name
  const geometry = chooseGeometry(metadata, topColumns, fileName)
  if (!isLonLatCrs(geometry.crs)) {
    // Reprojecting footprints to lon/lat comes in a later issue; until then such files are refused
    // rather than drawn in the wrong place.
    throw new DatasetError(
      'unsupported-crs',
      fileName,
      `${fileName} has footprints in ${crsLabel(geometry.crs)} coordinates; only lon/lat (OGC:CRS84 or EPSG:4326) can be read so far.`,
    )
  }

  const totalRows = Number(metadata.num_rows)
  if (!(totalRows > 0)) throw new DatasetError('no-rows', fileName, `${fileName} has no rows.`)

  const present = new Set(topColumns.filter((c) => c.children.length === 0).map((c) => c.element.name))
  const sourceUrlColumn = present.has('source_url') ? 'source_url' : null
  const idColumn = ID_COLUMN_NAMES.find((n) => present.has(n)) ?? null
  const dateColumn = DATE_COLUMN_NAMES.find((n) => present.has(n)) ?? null
  const wanted = [embeddingColumn, geometry.column, sourceUrlColumn, idColumn, dateColumn].filter(
    (n): n is string => n !== null,
  )

  const { columns, onChunk } = collectColumns(wanted, totalRows)
  try {
    await parquetRead({
      file,
      metadata,
      columns: wanted,
      compressors,
      // Binary columns stay bytes (WKB); string columns are annotated UTF8 and still decode.
      utf8: false,
      parsers: { geometryFromBytes: (b: Uint8Array) => b, geographyFromBytes: (b: Uint8Array) => b },
      onChunk,
    })
  } catch (err) {
    throw mapReadError(err, fileName, signal, 'data')
  }
  checkAborted()

  const embeddingRows = columns.get(embeddingColumn) as unknown[]
  const raw = rawEmbeddingsFromRows(embeddingRows)
  // The nested arrays are the biggest thing in memory; let them go before allocating more.
  columns.delete(embeddingColumn)
  const { dims, reasons } = checkEmbeddings(raw, fileName)
  checkAborted()

  const geomValues = columns.get(geometry.column) as unknown[]
  const rings: (Float64Array | null)[] = new Array(totalRows)
  let anyEmbedding = false
  for (let r = 0; r < totalRows; r++) {
    if (reasons[r] !== undefined) continue
    anyEmbedding = true
    const g = geomValues[r]
    if (!(g instanceof Uint8Array)) {
      reasons[r] = g === null || g === undefined ? 'footprint is missing (null)' : 'footprint is not WKB'
      continue
    }
    const ring = decodeOuterRing(g)
    if (!ring) reasons[r] = "footprint isn't a readable polygon"
    rings[r] = ring
  }

  const skipped: SkippedRow[] = []
  const keptRows: number[] = []
  for (let r = 0; r < totalRows; r++) {
    const reason = reasons[r]
    if (reason === undefined) keptRows.push(r)
    else skipped.push({ row: r, reason })
  }
  const count = keptRows.length
  if (count === 0) {
    if (!anyEmbedding) {
      throw new DatasetError(
        'bad-values',
        fileName,
        `${fileName} has no usable embeddings: every row's embedding is missing or has NaN or infinite values.`,
      )
    }
    throw new DatasetError('no-geometry', fileName, `None of the footprints in ${fileName} could be read as polygons.`)
  }

  // Keep-rows copy of the vectors; when nothing was skipped the raw array is already the answer.
  let embeddings: Float32Array
  if (count === totalRows) {
    embeddings = raw.values
  } else {
    embeddings = new Float32Array(count * dims)
    let src = 0
    let k = 0
    for (let r = 0; r < totalRows; r++) {
      const len = raw.lengths[r] as number
      if (reasons[r] === undefined) {
        embeddings.set(raw.values.subarray(src, src + dims), k * dims)
        k++
      }
      if (len > 0) src += len
    }
  }

  let vertices = 0
  for (const r of keptRows) vertices += (rings[r] as Float64Array).length / 2
  const ringCoords = new Float64Array(vertices * 2)
  const ringStarts = new Uint32Array(count + 1)
  const fileRows = new Uint32Array(count)
  const sourceCol = sourceUrlColumn ? (columns.get(sourceUrlColumn) as unknown[]) : null
  const idCol = idColumn ? (columns.get(idColumn) as unknown[]) : null
  const dateCol = dateColumn ? (columns.get(dateColumn) as unknown[]) : null
  // NAIP-style files carry one date for the whole file in key/value metadata instead.
  const fileDate = dateCol ? null : asIsoDate(metadata.key_value_metadata?.find((kv) => kv.key === 'date')?.value ?? null)
  const ids: string[] = new Array(count)
  const dates: (string | null)[] = new Array(count)
  const sourceUrls: (string | null)[] = new Array(count)
  let clayIds = 0
  let at = 0
  let west = Infinity
  let south = Infinity
  let east = -Infinity
  let north = -Infinity
  for (let k = 0; k < count; k++) {
    const r = keptRows[k] as number
    fileRows[k] = r
    const ring = rings[r] as Float64Array
    ringStarts[k] = at / 2
    ringCoords.set(ring, at)
    for (let i = 0; i < ring.length; i += 2) {
      const x = ring[i] as number
      const y = ring[i + 1] as number
      if (x < west) west = x
      if (x > east) east = x
      if (y < south) south = y
      if (y > north) north = y
    }
    at += ring.length
    const url = sourceCol ? asText(sourceCol[r]) : null
    sourceUrls[k] = url
    const clayId = url !== null ? clayV0ChipId(url) : null
    if (clayId !== null) clayIds++
    const idValue = idCol ? asText(idCol[r]) : null
    ids[k] = clayId ?? (idValue !== null && idValue !== '' ? idValue : genericChipId(fileName, r))
    dates[k] = dateCol ? asIsoDate(dateCol[r]) : fileDate
  }
  ringStarts[count] = at / 2

  const isClayV0 = clayIds === count
  const distinctDates = [...new Set(dates.filter((d): d is string => d !== null))].sort()

  const table: EmbeddingTable = {
    summary: {
      fileName,
      modelLabel: isClayV0 ? 'Clay v0' : null,
      family: isClayV0 ? 'clay-v0' : 'unknown',
      dims,
      count,
      totalRows,
      dates: distinctDates,
      bbox: geometry.bbox ?? [west, south, east, north],
      embeddingColumn,
    },
    embeddings,
    ids,
    dates,
    sourceUrls,
    ringCoords,
    ringStarts,
    fileRows,
    skipped,
  }
  progress(count)
  return table
}
