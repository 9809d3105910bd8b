// What reading one GeoParquet embeddings file yields. Pure data: typed arrays for the big parts,
// so the search worker can keep the embeddings and transfer the footprints to the UI.

/** Which producer's conventions a file follows, as far as the reader can tell. */
export type ModelFamily = 'clay-v0' | 'unknown'

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
  /** [west, south, east, north] in lon/lat: the `geo` metadata bbox, else computed. */
  bbox: [number, number, number, number]
  /** Name of the column the embeddings were read from. */
  embeddingColumn: string
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
}

/** Progress of one read. */
export interface ReadProgress {
  bytesRead: number
  /** Size of the file, once known. */
  totalBytes: number | null
  /** Chips decoded so far. */
  chips: number
}

export type DatasetErrorCode =
  | 'http' // the server answered with an error status
  | 'network' // no answer: offline, DNS, or CORS refused (the browser can't tell which)
  | 'truncated' // the body ended before the bytes asked for
  | 'empty' // zero bytes
  | 'not-parquet' // no PAR1 magic, or an unreadable footer
  | 'no-rows' // a valid file with zero rows
  | 'no-embedding-column'
  | 'ragged' // rows with different embedding lengths
  | 'bad-values' // NaN or infinite values in every row
  | 'no-geometry'
  | 'unsupported-crs'
  | 'aborted'

/** A problem with one file, worded for the person using the app. */
export class DatasetError extends Error {
  readonly code: DatasetErrorCode
  readonly fileName: string
  /** HTTP status, for code 'http'. */
  readonly status: number | undefined
  constructor(code: DatasetErrorCode, fileName: string, message: string, status?: number) {
    super(message)
    this.name = 'DatasetError'
    this.code = code
    this.fileName = fileName
    this.status = status
  }
}
