// The search worker's protocol. The search worker owns every loaded embedding (one segment per
// file) and ranks them; the UI only ever receives scores.

// The ranking methods, score modes and precisions are the app's vocabulary (app/lib/vocabulary.ts).

import type { SourceProblem } from '../../app/lib/archive/rescore.ts'
import type { DatasetIdentity } from '../../app/lib/geoparquet/footer.ts'
import type { ArchiveHits } from '../../app/lib/archive/search.ts'
import type { ExampleLabel, KernelKind, Precision, RankMethod, ScanPrecision, ScoreMode } from '../../app/lib/vocabulary.ts'

export interface AddSegmentParams {
  /** The dataset this segment belongs to; a segment for an older dataset is refused. */
  epoch: number
  /** count × dims, row-major (transferred in). */
  embeddings: Float32Array
  count: number
  dims: number
}

export interface RankParams {
  epoch: number
  /** Global rows (segments numbered in the order they were added). */
  positives: number[]
  negatives: number[]
  /**
   * Examples given as vectors (drawn areas), raw, in the dataset's space: each counts like one
   * more labelled row. A vector whose length is not the dataset's is refused with a message.
   */
  queries?: { vector: Float32Array; label: ExampleLabel }[]
  mode: ScoreMode
  method: RankMethod
  precision: Precision
  /** How many of the best rows to return, in order. */
  topK: number
  /** How many chips to suggest labelling (the classifier's least certain); 0 for none. */
  suggest: number
}

export interface RankStats {
  /** Time in the worker, ms. */
  ms: number
  kernel: KernelKind
  /** What the scan actually read. */
  precision: ScanPrecision
  /** Candidates rescored exactly after a compact scan (0 for an exact scan). */
  rescored: number
  /** Rows whose score was recomputed in float64 so that the top rows (and the suggestions) are
   * exactly a float64 reference's: the top K and the few whose error bound reaches them. */
  candidates?: number
}

export interface RankResult {
  epoch: number
  method: RankMethod
  /** Score of every loaded row (transferred). Exact for the top rows; after a compact scan,
   * rows outside the rescored candidates carry their approximate score. */
  scores: Float32Array
  /** The best min(topK, rows) rows by descending score, ties by row (transferred). */
  top: Uint32Array
  /** Unlabelled rows the classifier is least sure about, least sure first (transferred; empty
   * unless method is 'classifier' and suggest > 0). */
  suggestions: Uint32Array
  /** The range this method's scores can take: [-1, 1] for cosine, [0, 1] for the classifier. */
  range: [number, number]
  stats: RankStats
}

export interface MeanOfRowsParams {
  /** The dataset the rows belong to; a stale epoch answers null. */
  epoch: number
  /** Global rows. */
  rows: Uint32Array
  /** One weight per row (> 0). */
  weights: Float64Array
}

export interface OpenArchiveParams {
  /** The open dataset's epoch: the index belongs to it (a reset forgets it). */
  epoch: number
  /** The index.json URL. */
  url: string
  /** The open set's identity, checked against the index's (checkIdentity); none when no set is open. */
  identity?: DatasetIdentity
  /** The folder's files as its listing gave them (absolute URL, size): a source whose size differs, or that is gone, is stale. */
  listing?: { url: string; bytes: number | null }[]
}

export interface OpenArchiveProgress {
  bytes: number
  totalBytes: number
  parts: number
  partsDone: number
}

export interface ArchiveSummary {
  epoch: number
  chips: number
  sources: number
  identity: DatasetIdentity
  /** Memory held for the index. */
  bytes: number
  ms: number
  /** Files the build skipped, in words. */
  notes: string[]
}

/** An example: a loaded row (global, as in `rank`) or an archive chip by id. */
export type ArchiveExample = { row: number } | { id: string }

export interface SearchArchiveParams {
  epoch: number
  positives: ArchiveExample[]
  negatives: ArchiveExample[]
  /** Examples given as vectors (drawn areas), raw; after the rows and ids of their label. */
  queries?: { vector: Float32Array; label: ExampleLabel }[]
  method: 'mean' | 'max'
  topK: number
}

export interface ArchiveSearchResult {
  epoch: number
  /** The best chips, best first (ties by index order). */
  ids: string[]
  scores: Float32Array
  /** 1 where the score is exact; 0 where the chip's file couldn't be read (the sign-code estimate). */
  exact: Uint8Array
  lon: Float32Array
  lat: Float32Array
  /** yyyy-mm-dd, or null. */
  dates: (string | null)[]
  /** Each chip's file (relative to the index's base) and row in it. */
  sources: string[]
  rows: Int32Array
  /** Files that are stale or unreachable: their chips are not exact. */
  problems: SourceProblem[]
  /** The search's own (app/lib/archive/search.ts), with the requests and bytes of reading examples by id added, and the whole time in the worker. */
  stats: ArchiveHits['stats'] & { totalMs: number }
}

export type SearchProtocol = {
  /** Forget everything loaded and start a new dataset. */
  reset: { params: { epoch: number }; result: null; progress: never }
  /** Add one file's embeddings; answers the total rows loaded. */
  addSegment: { params: AddSegmentParams; result: { total: number }; progress: never }
  /** Null when there is nothing to rank by (no positives) or the epoch is stale. */
  rank: { params: RankParams; result: RankResult | null; progress: never }
  /** Σ wᵢ xᵢ / Σ wᵢ over raw rows (a drawn area's vector in stored-vector mode); null when the
   * epoch is stale or no row is loaded (transferred). */
  meanOfRows: { params: MeanOfRowsParams; result: Float32Array | null; progress: never }
  /** Read an archive index (header and code files) and keep it; refused with a DatasetError
   * ('bad-index', 'wrong-model', 'truncated', or the network's) in plain words. */
  openArchive: { params: OpenArchiveParams; result: ArchiveSummary; progress: OpenArchiveProgress }
  /** The top K of the whole archive, rescored exactly; null when the epoch is stale, no index is
   * open or there is nothing to rank by. */
  searchArchive: { params: SearchArchiveParams; result: ArchiveSearchResult | null; progress: never }
}

export const transferSearchParams = (params: unknown): Transferable[] => {
  const p = params as Partial<AddSegmentParams>
  return p.embeddings ? [p.embeddings.buffer as ArrayBuffer] : []
}

export const transferSearchResult = (result: unknown): Transferable[] => {
  if (result instanceof Float32Array) return [result.buffer as ArrayBuffer]
  const a = result as Partial<ArchiveSearchResult> | null
  if (a?.exact) return [a.scores!.buffer, a.exact.buffer, a.lon!.buffer, a.lat!.buffer, a.rows!.buffer] as ArrayBuffer[]
  const r = result as Partial<RankResult> | null
  if (!r || !r.scores || !r.top) return []
  const buffers = [r.scores.buffer, r.top.buffer, r.suggestions?.buffer] as ArrayBuffer[]
  return [...new Set(buffers.filter((b) => b && b.byteLength > 0))]
}
