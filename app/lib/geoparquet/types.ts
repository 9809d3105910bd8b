// What reading one GeoParquet embeddings file yields. Pure data: typed arrays for the big parts,
// so the search worker can keep the embeddings and transfer the footprints to the UI.

/**
 * Which producer's conventions a file follows, as far as the reader can tell (detectModel in
 * read-embeddings.ts; layouts in shared/DATA.md):
 * - 'clay-v0': Clay v0 (source_url claytile names, 768-d);
 * - 'clay-v1.5': Clay v1.5 NAIP / Sentinel-2 (`embeddings`, key/value `date`/`gsd`/`uri`, 1024-d),
 *   or any file whose `source_model` names Clay v1.5;
 * - 'lgnd': LGND's sets (`embedding` + `chips_id`; 1024-d Clay v1.5 or 256-d monthly);
 * - 'earth-index': Earth Genome's Earth Index (an `emb` key/value entry);
 * - 'unknown': anything else that still has embeddings and footprints.
 */
export type ModelFamily = 'clay-v0' | 'clay-v1.5' | 'lgnd' | 'earth-index' | 'unknown'

/**
 * The optional per-chip columns of the newer Clay schema, by what they mean (the column names a
 * file may use are in OPTIONAL_COLUMN_NAMES, read-embeddings.ts).
 */
export type OptionalColumn = 'sourceModel' | 'loss' | 'lossMetric' | 'sourceCreator' | 'classId'

/**
 * Per-chip metadata from the optional columns, one entry per kept row (like `ids`). A field is
 * present only when the file has that column.
 */
export interface ChipExtras {
  /**
   * `loss`: the chip's reconstruction error. High on unusual places, very low on clouds; NaN
   * where the row has none.
   */
  loss?: Float32Array
  /** `loss_metric`: how `loss` was measured (e.g. "mse"). */
  lossMetric?: (string | null)[]
  /** `source_model`: the model that made the vector. */
  sourceModel?: (string | null)[]
  /** `source_creator`: who or what made it (an app, a person). */
  sourceCreator?: (string | null)[]
  /** The "universal class identifier" string (column `uci`, `class_id`, …). */
  classId?: (string | null)[]
}

export interface FileSummary {
  /** Last path segment of the URL (or the local file name), decoded. */
  fileName: string
  /** Human label of the model that made the vectors, e.g. "Clay v0"; null when unknown. */
  modelLabel: string | null
  family: ModelFamily
  /** Length of each embedding vector, taken from the data. */
  dims: number
  /** Rows kept (rows skipped for bad values are not counted). */
  count: number
  /** Rows in the file before any were skipped. */
  totalRows: number
  /** Distinct acquisition dates (ISO yyyy-mm-dd), sorted; empty when the file has none. */
  dates: string[]
  /**
   * [west, south, east, north] in lon/lat: the `geo` metadata bbox, else the min/max statistics
   * of the bbox struct columns (GeoParquet 1.1), else computed from the kept footprints (always
   * computed for reprojected files). Longitudes may pass ±180 for footprints reprojected across
   * the antimeridian.
   */
  bbox: [number, number, number, number]
  /** Name of the column the embeddings were read from. */
  embeddingColumn: string
  /** Name of the footprint (WKB) column. */
  geometryColumn: string
  /** The file's CRS as a short label ("OGC:CRS84", "EPSG:3857", "unknown (null)"…). */
  crs: string
  /** True when the footprints were converted to lon/lat from another CRS (see `crs`). */
  reprojected: boolean
  /**
   * The file's short key/value metadata, e.g. NAIP's `date`, `gsd`, `uri` or Earth Index's `emb`
   * (a model description). Machine entries (`geo`, `ARROW:schema`, `pandas`) and values over
   * 4 KB are left out. Untrusted text: show it as text.
   */
  keyValue: Record<string, string>
  /** Metres per pixel from the `gsd` entry; null when absent. */
  gsd: number | null
  /** The `source_model` every row shares, when there is one. */
  sourceModel: string | null
  /** Which optional per-chip columns the file has (see EmbeddingTable.extra), in a fixed order. */
  optionalColumns: OptionalColumn[]
}

/** A row the reader dropped, and why, so the UI can say so. */
export interface SkippedRow {
  row: number
  reason: string
}

export interface EmbeddingTable {
  summary: FileSummary
  /** count × dims, row-major. */
  embeddings: Float32Array
  /** Stable chip ids, one per kept row (see chip-id.ts). */
  ids: string[]
  /** ISO date per kept row, or null. */
  dates: (string | null)[]
  /** source_url per kept row, or null when the file has no such column. */
  sourceUrls: (string | null)[]
  /**
   * Footprint outer rings, lon/lat pairs flattened: ring i is
   * ringCoords[2*ringStarts[i] .. 2*ringStarts[i+1]). Rings are closed (first point repeated).
   */
  ringCoords: Float64Array
  /** count + 1 vertex offsets into ringCoords (in vertices, not numbers). */
  ringStarts: Uint32Array
  /** Row index in the file of each kept row. */
  fileRows: Uint32Array
  skipped: SkippedRow[]
  /** The optional per-chip columns the file has (empty object when none). */
  extra: ChipExtras
}

/** Progress of one read. */
export interface ReadProgress {
  bytesRead: number
  /** Size of the file, once known. */
  totalBytes: number | null
  /** Chips decoded so far. */
  chips: number
}
