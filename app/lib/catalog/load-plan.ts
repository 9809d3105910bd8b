// Which files of a dataset to load next: the ones in view, nearest the centre first, until the
// memory budget is used, and only when few enough are in view that loading them makes sense
// (at world zoom a set of 2,400 files shows its coverage and asks the person to zoom in).

import { intersects, type BBox } from '../bbox.ts'

export type FileStatus = 'unlocated' | 'idle' | 'queued' | 'loading' | 'loaded' | 'skipped' | 'error'

export interface FileRecord {
  /** Key within the dataset (path below the prefix), or the file name. */
  key: string
  url: string
  /** Bytes on the server, from the listing. */
  size: number | null
  /** The listing's ETag (unquoted), when it gives one. */
  etag?: string | null
  /** Outer ring lon/lat (closed), from the name (MGRS tile) or the footer bbox. */
  footprint: Float64Array | null
  bbox: BBox | null
  /** Rows, once a footer or the data says. */
  rows: number | null
  status: FileStatus
  /** Why it was skipped or failed, worded for people. */
  message?: string
}

/** Clay v0 stores embeddings at about 1.4× their float32 size (ZSTD does little for floats). */
const BYTES_ON_DISK_PER_EMBEDDING_BYTE = 1.4

/** Bytes the file's embeddings take once loaded, as well as can be told before reading it. */
export function estimateEmbeddingBytes(file: FileRecord, dims: number | null): number {
  if (file.rows !== null && dims !== null) return file.rows * dims * 4
  if (file.size !== null) return file.size / BYTES_ON_DISK_PER_EMBEDDING_BYTE
  return 441 * (dims ?? 768) * 4
}

export interface PlanInput {
  files: readonly FileRecord[]
  view: BBox
  dims: number | null
  budgetBytes: number
  /** Embedding bytes already loaded, and promised to files queued or loading. */
  committedBytes: number
  /** Above this many files to load in view, nothing loads until the person zooms in. */
  maxFilesPerView: number
}

export interface Plan {
  /** Files to queue now, nearest the view's centre first. */
  load: FileRecord[]
  /** Files overlapping the view, whatever their state. */
  inView: number
  /** Chips in the files overlapping the view (rows where known, else estimates). */
  availableHere: number
  /** Chips loaded from the files overlapping the view. */
  loadedHere: number
  /** True when some row counts are estimates. */
  approximate: boolean
  /** Why more could not be loaded, worded for people; null when nothing was held back. */
  stopReason: string | null
  stopKind: 'budget' | 'zoom' | null
}

function centreDistance(b: BBox, x: number, y: number): number {
  return Math.hypot((b[0] + b[2]) / 2 - x, (b[1] + b[3]) / 2 - y)
}

function formatGB(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`
}

export function planLoads({ files, view, dims, budgetBytes, committedBytes, maxFilesPerView }: PlanInput): Plan {
  const here = files.filter((f) => f.bbox !== null && intersects(f.bbox, view))
  let availableHere = 0
  let loadedHere = 0
  let approximate = false
  for (const f of here) {
    if (f.status === 'skipped' || f.status === 'error') continue
    if (f.status === 'loaded') loadedHere += f.rows ?? 0
    if (f.rows !== null) availableHere += f.rows
    else {
      approximate = true
      availableHere += Math.round(estimateEmbeddingBytes(f, dims) / ((dims ?? 768) * 4))
    }
  }
  const waiting = here.filter((f) => f.status === 'idle')
  const base = { inView: here.length, availableHere, loadedHere, approximate }
  if (waiting.length === 0) return { ...base, load: [], stopReason: null, stopKind: null }
  if (waiting.length > maxFilesPerView)
    return {
      ...base,
      load: [],
      stopReason: `${waiting.length} files hold chips here. Zoom in to load them (at most ${maxFilesPerView} at a time).`,
      stopKind: 'zoom',
    }
  const cx = (view[0] + view[2]) / 2
  const cy = (view[1] + view[3]) / 2
  waiting.sort((a, b) => centreDistance(a.bbox!, cx, cy) - centreDistance(b.bbox!, cx, cy))
  const load: FileRecord[] = []
  let committed = committedBytes
  for (const f of waiting) {
    const cost = estimateEmbeddingBytes(f, dims)
    if (committed + cost > budgetBytes) {
      return {
        ...base,
        load,
        stopReason: `The memory budget (${formatGB(budgetBytes)} of embeddings) is reached, so ${waiting.length - load.length} file${waiting.length - load.length > 1 ? 's' : ''} here ${waiting.length - load.length > 1 ? 'were' : 'was'} not loaded. Raise the budget, or reload to start afresh.`,
        stopKind: 'budget',
      }
    }
    committed += cost
    load.push(f)
  }
  return { ...base, load, stopReason: null, stopKind: null }
}
