// The archive index's header (`index.json`), as docs/index-format.md specifies it. Types only
// here and the constants both sides share; parsing and validation live beside it (parse-header.ts).

import type { DatasetIdentity } from '../geoparquet/footer.ts'

export const INDEX_FORMAT = 'chipfinder-index'
export const INDEX_VERSION = 1
/** The folder the app looks in beside a data folder. */
export const INDEX_FOLDER = 'chipfinder-index'
export const INDEX_HEADER_FILE = 'index.json'

export interface IndexCode {
  kind: 'sign'
  bits: number
  bytes: number
  rotation: null | { kind: 'random-orthogonal'; seed: number }
}

export interface IndexGroup {
  /** The partition (list) this row group's chips belong to; 0 when not partitioned. */
  list: number
  chips: number
}

export interface IndexPart {
  /** Relative to index.json. */
  path: string
  bytes: number
  chips: number
  groups: IndexGroup[]
  /**
   * The exact rescoring copy, when the build made one: the part's chips' float32 vectors, raw
   * little-endian, chips × dims, in the part's row order (relative to index.json). A candidate's
   * row is then one small range read instead of its source file's whole column chunk.
   */
  rows?: { path: string; bytes: number }
}

export interface IndexSource {
  /** Relative to the header's base. */
  key: string
  bytes: number
  etag: string | null
  rows: number
  chips: number
}

export interface IndexHeader {
  format: typeof INDEX_FORMAT
  version: typeof INDEX_VERSION
  createdBy: string
  created: string
  /** The data folder, relative to index.json's URL (or absolute). */
  base: string
  identity: DatasetIdentity
  chips: number
  code: IndexCode
  /** μ, decoded from the header's base64. */
  mean: Float32Array
  lists: null | { count: number; centroids: string }
  parts: IndexPart[]
  sources: IndexSource[]
  skipped: { key: string; reason: string }[]
}
