// Reads one GeoParquet embeddings file into an EmbeddingTable: one Float32Array of vectors, the
// footprints as flat lon/lat rings, ids/dates per kept row, and the optional per-chip columns of
// the newer Clay schema. Pure TypeScript (no DOM), so it runs in the search worker and in Node
// tests alike.
//
// Shape of a read: footer → pick columns (embedding, geometry, the optional id/date/url columns
// and the optional metadata columns) → hyparquet reads the small columns → the embedding column
// is decoded by flat-decode.ts into RawEmbeddings (the row API is the fallback) → rows are
// checked and kept or skipped → footprints are reprojected to lon/lat when the file's CRS isn't
// → typed arrays out.
//
// Schema detection follows the producers' layouts (shared/DATA.md): the embedding column by name
// (`embeddings`, `embedding`, `emb`) or as the only list of floats; the geometry column and CRS
// from the `geo` metadata; a missing or null CRS is lon/lat; any other CRS is reprojected.

import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet'
import type { AsyncBuffer, ColumnData, FileMetaData, SchemaTree } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { clayV0ChipId, genericChipId } from './chip-id.ts'
import { decodeEmbeddingColumn } from './flat-decode.ts'
import { rawEmbeddingsFromRows, type RawEmbeddings } from './raw-embeddings.ts'
import { parseGeoMetadata, resolveCrs, type BboxCovering, type CrsResolution, type GeoCrs } from './geo-metadata.ts'
import { DatasetError, errorMessage } from '../errors.ts'
import {
  type ChipExtras,
  type EmbeddingTable,
  type ModelFamily,
  type OptionalColumn,
  type ReadProgress,
  type SkippedRow,
} from './types.ts'
import { decodeOuterRing } from './wkb.ts'

export interface ReadEmbeddingsOptions {
  fileName: string
  signal?: AbortSignal
  onProgress?: (p: ReadProgress) => void
  /** Bytes fetched so far, when the caller counts them (e.g. RangeBuffer.bytesRead). */
  bytesRead?: () => number
  /**
   * The file's parsed footer when the caller already has it (readFooter with keepMetadata), so
   * it isn't fetched again.
   */
  metadata?: FileMetaData
}

/** Names tried, in order, before falling back to "the only list of floats". */
export const EMBEDDING_COLUMN_NAMES = ['embeddings', 'embedding', 'emb'] as const
export const ID_COLUMN_NAMES = ['chips_id', 'id'] as const
export const DATE_COLUMN_NAMES = ['date', 'datetime', 'timestamp', 'acquired'] as const

/**
 * The optional per-chip columns of the newer Clay schema (the producer's survey entry), by the
 * names they may carry in a file. The class identifier's name isn't fixed in the proposal, so
 * the likely spellings are all accepted.
 */
export const OPTIONAL_COLUMN_NAMES: Record<OptionalColumn, readonly string[]> = {
  sourceModel: ['source_model'],
  loss: ['loss'],
  lossMetric: ['loss_metric'],
  sourceCreator: ['source_creator'],
  classId: ['uci', 'class_id', 'class_identifier', 'universal_class_identifier', 'universally_class_identifier'],
}

/** Key/value entries that are machine data, not facts for a person: never copied to summaries. */
const BULKY_KEYS = new Set(['geo', 'ARROW:schema', 'pandas', 'huggingface'])
const MAX_KV_ENTRIES = 64
const MAX_KV_VALUE = 4096
const MAX_LABEL = 100

function aborted(fileName: string): DatasetError {
  return new DatasetError('aborted', fileName, `Reading ${fileName} was cancelled.`)
}

function isFloatLeaf(node: SchemaTree): boolean {
  if (node.children.length !== 0) return false
  const e = node.element
  return e.type === 'FLOAT' || e.type === 'DOUBLE' || e.logical_type?.type === 'FLOAT16'
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

/** The leaf (innermost) node of a column. */
export function leafOf(node: SchemaTree): SchemaTree {
  let leaf = node
  while (leaf.children.length === 1) leaf = leaf.children[0] as SchemaTree
  return leaf
}

/** A column's type in the words a person reading an error knows: string, binary, list<float>… */
function typeWords(node: SchemaTree): string {
  const e = node.element
  if (node.children.length > 0) {
    const leaf = leafOf(node)
    const isList = e.converted_type === 'LIST' || e.logical_type?.type === 'LIST'
    return isList && leaf.children.length === 0 ? `list<${typeWords(leaf)}>` : 'struct'
  }
  if (e.converted_type === 'UTF8' || e.logical_type?.type === 'STRING') return 'string'
  if (e.logical_type?.type === 'GEOMETRY' || e.logical_type?.type === 'GEOGRAPHY') return 'geometry'
  if (e.logical_type?.type === 'FLOAT16') return 'float16'
  if (e.converted_type === 'DATE') return 'date'
  if (e.converted_type?.startsWith('TIMESTAMP') || e.logical_type?.type === 'TIMESTAMP') return 'timestamp'
  if (e.type === 'BYTE_ARRAY' || e.type === 'FIXED_LEN_BYTE_ARRAY') return 'binary'
  const t = (e.type ?? '?').toLowerCase()
  return e.repetition_type === 'REPEATED' ? `list<${t}>` : t
}

function describeColumn(node: SchemaTree): string {
  return `${node.element.name} (${typeWords(node)})`
}

/** The embedding column by the rule of thumb, or null when there is none (or it's ambiguous). */
export function findEmbeddingColumnOrNull(columns: SchemaTree[]): SchemaTree | null {
  for (const name of EMBEDDING_COLUMN_NAMES) {
    const c = columns.find((col) => col.element.name === name)
    if (c && isFloatListColumn(c)) return c
  }
  const lists = columns.filter(isFloatListColumn)
  return lists.length === 1 ? (lists[0] as SchemaTree) : null
}

function findEmbeddingColumn(columns: SchemaTree[], fileName: string): SchemaTree {
  const found = findEmbeddingColumnOrNull(columns)
  if (found) return found
  const lists = columns.filter(isFloatListColumn)
  const names = columns.map(describeColumn).join(', ') || 'none'
  const why = lists.length > 1 ? ` It has several lists of floats (${lists.map((c) => c.element.name).join(', ')}) and none has a known name.` : ''
  throw new DatasetError(
    'no-embedding-column',
    fileName,
    `${fileName} has no embedding column: expected a list of floats named 'embeddings' or 'embedding' (or 'emb').${why} Columns found: ${names}.`,
  )
}

export interface GeometryChoice {
  column: string
  crs: GeoCrs
  /** The `geo` metadata's bbox, in the file's CRS. */
  bbox: [number, number, number, number] | null
  /** Where each row's bbox lives (GeoParquet 1.1 covering, or a struct column named `bbox`). */
  covering: BboxCovering | null
}

function isBinaryLeaf(node: SchemaTree | undefined): boolean {
  return !!node && node.children.length === 0 && node.element.type === 'BYTE_ARRAY' && node.element.repetition_type !== 'REPEATED'
}

function isNumericLeaf(node: SchemaTree | undefined): boolean {
  if (!node || node.children.length !== 0 || node.element.repetition_type === 'REPEATED') return false
  const t = node.element.type
  return t === 'DOUBLE' || t === 'FLOAT' || t === 'INT32' || t === 'INT64'
}

/** A struct column `bbox` {xmin, ymin, xmax, ymax} of numbers, as GeoParquet 1.1 writers add. */
function bboxStructCovering(columns: SchemaTree[]): BboxCovering | null {
  const bbox = columns.find((c) => c.element.name === 'bbox' && c.children.length === 4)
  if (!bbox) return null
  const field = (name: string): string[] | null => {
    const child = bbox.children.find((c) => c.element.name === name)
    return isNumericLeaf(child) ? ['bbox', name] : null
  }
  const xmin = field('xmin')
  const ymin = field('ymin')
  const xmax = field('xmax')
  const ymax = field('ymax')
  return xmin && ymin && xmax && ymax ? { xmin, ymin, xmax, ymax } : null
}

/** The footprint column, its CRS and bbox; throws 'no-geometry' when there is none. */
export function chooseGeometry(metadata: FileMetaData, columns: SchemaTree[], fileName: string): GeometryChoice {
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
    return {
      column: geo.primaryColumn,
      crs: geo.primary?.crs,
      bbox: geo.primary?.bbox ?? null,
      covering: geo.primary?.covering ?? bboxStructCovering(columns),
    }
  }
  // No (readable) geo metadata: a native Parquet GEOMETRY column, else one named like GeoPandas does.
  const native = columns.find((c) => isBinaryLeaf(c) && (c.element.logical_type?.type === 'GEOMETRY' || c.element.logical_type?.type === 'GEOGRAPHY'))
  if (native) {
    const lt = native.element.logical_type
    const crs = lt && 'crs' in lt && typeof lt.crs === 'string' ? lt.crs : undefined
    return { column: native.element.name, crs, bbox: null, covering: bboxStructCovering(columns) }
  }
  for (const name of ['geometry', 'geom']) {
    if (isBinaryLeaf(byName.get(name))) return { column: name, crs: undefined, bbox: null, covering: bboxStructCovering(columns) }
  }
  throw new DatasetError(
    'no-geometry',
    fileName,
    `${fileName} has no footprints: there is no GeoParquet 'geo' metadata and no 'geometry' column.`,
  )
}

/** The file's bbox from the row-group statistics of its bbox columns; null unless every group has them. */
export function bboxFromStatistics(metadata: FileMetaData, covering: BboxCovering | null): [number, number, number, number] | null {
  if (!covering || metadata.row_groups.length === 0) return null
  const parts: [string[], 'min' | 'max'][] = [
    [covering.xmin, 'min'],
    [covering.ymin, 'min'],
    [covering.xmax, 'max'],
    [covering.ymax, 'max'],
  ]
  const out: number[] = []
  for (const [path, which] of parts) {
    const key = path.join('\u0000')
    let acc = which === 'min' ? Infinity : -Infinity
    for (const rg of metadata.row_groups) {
      const chunk = rg.columns.find((c) => c.meta_data?.path_in_schema.join('\u0000') === key)
      const stats = chunk?.meta_data?.statistics
      const raw = which === 'min' ? (stats?.min_value ?? stats?.min) : (stats?.max_value ?? stats?.max)
      const v = typeof raw === 'bigint' ? Number(raw) : raw
      if (typeof v !== 'number' || !Number.isFinite(v)) return null
      acc = which === 'min' ? Math.min(acc, v) : Math.max(acc, v)
    }
    out.push(acc)
  }
  const [w, s, e, n] = out as [number, number, number, number]
  return w <= e && s <= n ? [w, s, e, n] : null
}

/**
 * The file's short key/value metadata (NAIP's `date`, `gsd`, `uri`; Earth Index's `emb`; …) as
 * a plain object. Machine entries (`geo`, `ARROW:schema`, `pandas`) and long values are left
 * out; a key like `__proto__` is an ordinary own property here.
 */
export function fileKeyValue(metadata: FileMetaData): Record<string, string> {
  const entries: [string, string][] = []
  for (const kv of metadata.key_value_metadata ?? []) {
    if (entries.length >= MAX_KV_ENTRIES) break
    if (typeof kv.key !== 'string' || kv.key === '' || kv.key.length > 200 || BULKY_KEYS.has(kv.key)) continue
    if (typeof kv.value !== 'string' || kv.value.length > MAX_KV_VALUE) continue
    entries.push([kv.key, kv.value])
  }
  return Object.fromEntries(entries)
}

/** Metres per pixel from a `gsd` entry, or null. */
export function gsdOf(keyValue: Record<string, string>): number | null {
  const raw = Object.hasOwn(keyValue, 'gsd') ? keyValue.gsd : undefined
  if (raw === undefined) return null
  const v = Number(raw.trim())
  return Number.isFinite(v) && v > 0 ? v : null
}

/** The optional metadata columns a file has: what they are, and the column name in this file. */
export function findOptionalColumns(columns: SchemaTree[]): Map<OptionalColumn, string> {
  const leaves = new Map(columns.filter((c) => c.children.length === 0).map((c) => [c.element.name, c]))
  const found = new Map<OptionalColumn, string>()
  for (const [what, names] of Object.entries(OPTIONAL_COLUMN_NAMES) as [OptionalColumn, readonly string[]][]) {
    for (const name of names) {
      const node = leaves.get(name)
      if (!node) continue
      const numeric = isNumericLeaf(node)
      // loss is a number; the rest are strings. A column of the wrong type isn't the one meant.
      if (what === 'loss' ? numeric : node.element.type === 'BYTE_ARRAY') {
        found.set(what, name)
        break
      }
    }
  }
  return found
}

export interface ModelGuess {
  family: ModelFamily
  /** e.g. "Clay v0", "Clay v1.5", "Earth Index"; null when unknown. */
  modelLabel: string | null
}

export interface ModelEvidence {
  fileName: string
  /** Names of the file's top-level columns. */
  columns: ReadonlySet<string>
  embeddingColumn: string | null
  dims: number | null
  keyValue: Record<string, string>
  /** The one value of a `source_model` column, when every row has the same. */
  sourceModel: string | null
  /** From the data: true when every kept row has a Clay v0 source_url; null when not read. */
  clayV0Ids: boolean | null
}

const CLAY_V0_FILE = /^\d{2}[C-HJ-NP-X][A-HJ-NP-Z][A-HJ-NP-V]_\d{8}_\d{8}_v\d{3}\.gpq$/

/**
 * Which producer's layout a file follows (shared/DATA.md's table), from its columns, key/value
 * metadata and dims. Used the same way on a footer (before any data) and on a read file.
 */
export function detectModel(ev: ModelEvidence): ModelGuess {
  const has = (k: string): boolean => Object.hasOwn(ev.keyValue, k)
  if (ev.clayV0Ids === true) return { family: 'clay-v0', modelLabel: 'Clay v0' }
  if (
    ev.clayV0Ids === null &&
    ev.embeddingColumn === 'embeddings' &&
    ev.columns.has('source_url') &&
    (ev.dims === null || ev.dims === 768) &&
    CLAY_V0_FILE.test(ev.fileName)
  ) {
    return { family: 'clay-v0', modelLabel: 'Clay v0' }
  }
  if (ev.sourceModel !== null) {
    const label = ev.sourceModel.trim().slice(0, MAX_LABEL)
    const family: ModelFamily = /clay/i.test(label) && /1\.5/.test(label) ? 'clay-v1.5' : 'unknown'
    return { family, modelLabel: label || null }
  }
  if (has('emb')) return { family: 'earth-index', modelLabel: 'Earth Index' }
  if (ev.embeddingColumn === 'embedding' && ev.columns.has('chips_id')) {
    const modelLabel = ev.dims === 1024 ? 'LGND Clay v1.5' : ev.dims !== null ? `LGND embeddings (${ev.dims}-d)` : 'LGND embeddings'
    return { family: 'lgnd', modelLabel }
  }
  if (ev.embeddingColumn === 'embeddings' && (has('uri') || has('gsd')) && (ev.dims === null || ev.dims === 1024)) {
    return { family: 'clay-v1.5', modelLabel: 'Clay v1.5' }
  }
  return { family: 'unknown', modelLabel: null }
}

const textDecoder = new TextDecoder()

function asText(v: unknown): string | null {
  if (typeof v === 'string') return v
  if (v instanceof Uint8Array) return textDecoder.decode(v)
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  return null
}

function asNumber(v: unknown): number {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  return NaN
}

const ISO_DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})/

/** yyyy-mm-dd of a DATE (hyparquet: Date at UTC midnight), a timestamp (Date), or a string. */
export function asIsoDate(v: unknown): string | null {
  if (v instanceof Date) {
    const t = v.getTime()
    return Number.isFinite(t) ? v.toISOString().slice(0, 10) : null
  }
  if (typeof v === 'string') {
    const s = v.trim()
    const iso = ISO_DATE_PREFIX.exec(s)?.[1]
    if (iso) return iso
    // Compact yyyymmdd, as some producers write a file's date.
    const m = /^(\d{4})(\d{2})(\d{2})(?:$|T)/.exec(s)
    return m ? `${m[1]}-${m[2]}-${m[3]}` : null
  }
  return null
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
  const raw = errorMessage(err)
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

/** hyparquet's row API over some columns; binary stays bytes (WKB), strings decode. */
async function readColumns(file: AsyncBuffer | ArrayBuffer, metadata: FileMetaData, names: string[], totalRows: number): Promise<Map<string, unknown[]>> {
  const { columns, onChunk } = collectColumns(names, totalRows)
  if (names.length === 0) return columns
  await parquetRead({
    file,
    metadata,
    columns: names,
    compressors,
    // Binary columns stay bytes (WKB); string columns are annotated UTF8 and still decode.
    utf8: false,
    parsers: { geometryFromBytes: (b: Uint8Array) => b, geographyFromBytes: (b: Uint8Array) => b },
    onChunk,
  })
  return columns
}

/**
 * The embedding column as RawEmbeddings: the flat decoder (flat-decode.ts, which itself falls
 * back to the row API for layouts it doesn't handle); when it fails outright, the general path
 * (hyparquet's rows of this column) is tried once before giving up.
 */
async function readRawEmbeddings(
  file: AsyncBuffer | ArrayBuffer,
  metadata: FileMetaData,
  column: string,
  totalRows: number,
  fileName: string,
  signal: AbortSignal | undefined,
): Promise<RawEmbeddings> {
  try {
    // Over HTTP, read a column chunk in windows of whole pages rather than in one slice, so the
    // compressed bytes held at once stay small (peak about 1.2× the decoded floats, not 2×).
    return await decodeEmbeddingColumn(file, metadata, column, {
      signal,
      compressors,
      ...(file instanceof ArrayBuffer ? {} : { maxSliceBytes: 32 << 20 }),
    })
  } catch (err) {
    if (signal?.aborted) throw aborted(fileName)
    if (err instanceof DatasetError) throw err
  }
  try {
    const rows = (await readColumns(file, metadata, [column], totalRows)).get(column) as unknown[]
    return rawEmbeddingsFromRows(rows)
  } catch (err) {
    throw mapReadError(err, fileName, signal, 'data')
  }
}

function crsError(fileName: string, crs: CrsResolution & { kind: 'unsupported' }): DatasetError {
  return new DatasetError(
    'unsupported-crs',
    fileName,
    `${fileName} has footprints in ${crs.label} coordinates, which can't be converted to lon/lat here: ${crs.reason}. ` +
      'Web Mercator, UTM and CRSs written out in full (PROJJSON or WKT) can be read.',
  )
}

function optionalStrings(col: unknown[] | undefined, keptRows: number[]): (string | null)[] {
  const out: (string | null)[] = new Array(keptRows.length)
  for (let k = 0; k < keptRows.length; k++) out[k] = col ? asText(col[keptRows[k] as number]) : null
  return out
}

/** The one value every entry has, or null. */
function uniformValue(values: readonly (string | null)[]): string | null {
  const first = values[0]
  if (first === undefined || first === null || first === '') return null
  for (const v of values) if (v !== first) return null
  return first
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
  if (opts.metadata) {
    metadata = opts.metadata
  } else {
    try {
      metadata = await parquetMetadataAsync(file, { geoparquet: false })
    } catch (err) {
      throw mapReadError(err, fileName, signal, 'footer')
    }
  }
  checkAborted()
  progress(0)

  const topColumns = parquetSchema(metadata).children
  const embeddingNode = findEmbeddingColumn(topColumns, fileName)
  const embeddingColumn = embeddingNode.element.name
  const geometry = chooseGeometry(metadata, topColumns, fileName)
  const crs = resolveCrs(geometry.crs)
  if (crs.kind === 'unsupported') throw crsError(fileName, crs)

  const totalRows = Number(metadata.num_rows)
  if (!(totalRows > 0)) throw new DatasetError('no-rows', fileName, `${fileName} has no rows.`)

  const present = new Set(topColumns.filter((c) => c.children.length === 0).map((c) => c.element.name))
  const sourceUrlColumn = present.has('source_url') ? 'source_url' : null
  const idColumn = ID_COLUMN_NAMES.find((n) => present.has(n)) ?? null
  const dateColumn = DATE_COLUMN_NAMES.find((n) => present.has(n)) ?? null
  const optional = findOptionalColumns(topColumns)
  const wanted = [geometry.column, sourceUrlColumn, idColumn, dateColumn, ...optional.values()].filter(
    (n): n is string => n !== null && n !== embeddingColumn,
  )

  let columns: Map<string, unknown[]>
  try {
    columns = await readColumns(file, metadata, [...new Set(wanted)], totalRows)
  } catch (err) {
    throw mapReadError(err, fileName, signal, 'data')
  }
  checkAborted()

  const raw = await readRawEmbeddings(file, metadata, embeddingColumn, totalRows, fileName, signal)
  checkAborted()
  if (raw.lengths.length !== totalRows) {
    throw new DatasetError('not-parquet', fileName, `${fileName} looks like Parquet but its embedding column has ${raw.lengths.length} rows where the file says ${totalRows}.`)
  }
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
    if (!ring) {
      reasons[r] = "footprint isn't a readable polygon"
    } else if (crs.kind === 'reproject' && !crs.toLonLat(ring)) {
      reasons[r] = `footprint can't be converted from ${crs.label} to lon/lat`
    } else {
      rings[r] = ring
    }
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
    if (crs.kind === 'reproject' && skipped.every((s) => s.reason.startsWith("footprint can't be converted"))) {
      throw new DatasetError('unsupported-crs', fileName, `None of the footprints in ${fileName} could be converted from ${crs.label} to lon/lat.`)
    }
    throw new DatasetError('no-geometry', fileName, `None of the footprints in ${fileName} could be read as polygons.`)
  }

  // Keep-rows copy of the vectors; when nothing was skipped the raw array is already the answer.
  let embeddings: Float32Array
  if (count === totalRows && raw.values.length === count * dims && raw.values.buffer.byteLength === count * dims * 4) {
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
  const keyValue = fileKeyValue(metadata)
  // NAIP-style files carry one date for the whole file in key/value metadata instead.
  const fileDate = asIsoDate(Object.hasOwn(keyValue, 'date') ? keyValue.date : null)
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
    dates[k] = (dateCol ? asIsoDate(dateCol[r]) : null) ?? fileDate
  }
  ringStarts[count] = at / 2

  const extra: ChipExtras = {}
  const lossColumn = optional.get('loss')
  if (lossColumn) {
    const col = columns.get(lossColumn) as unknown[]
    const loss = new Float32Array(count)
    for (let k = 0; k < count; k++) loss[k] = asNumber(col[keptRows[k] as number])
    extra.loss = loss
  }
  for (const what of ['sourceModel', 'lossMetric', 'sourceCreator', 'classId'] as const) {
    const name = optional.get(what)
    if (name) extra[what] = optionalStrings(columns.get(name), keptRows)
  }
  const sourceModel = extra.sourceModel ? uniformValue(extra.sourceModel) : null

  const model = detectModel({
    fileName,
    columns: new Set(topColumns.map((c) => c.element.name)),
    embeddingColumn,
    dims,
    keyValue,
    sourceModel,
    clayV0Ids: clayIds === count,
  })
  const distinctDates = [...new Set(dates.filter((d): d is string => d !== null))].sort()
  // The geo bbox and the bbox columns are in the file's CRS: only usable as they are for lon/lat.
  const declaredBbox = crs.kind === 'lonlat' ? (geometry.bbox ?? bboxFromStatistics(metadata, geometry.covering)) : null

  const table: EmbeddingTable = {
    summary: {
      fileName,
      modelLabel: model.modelLabel,
      family: model.family,
      dims,
      count,
      totalRows,
      dates: distinctDates,
      bbox: declaredBbox ?? [west, south, east, north],
      embeddingColumn,
      geometryColumn: geometry.column,
      crs: crs.label,
      reprojected: crs.kind === 'reproject',
      keyValue,
      gsd: gsdOf(keyValue),
      sourceModel,
      optionalColumns: [...optional.keys()],
    },
    embeddings,
    ids,
    dates,
    sourceUrls,
    ringCoords,
    ringStarts,
    fileRows,
    skipped,
    extra,
  }
  progress(count)
  return table
}
