// Reading chips' float32 rows back from the archive's own files, for exact rescoring and for
// examples named by id: per source file the footer (one 64 KB tail read) and then only the
// embedding column's chunks of the row groups that hold the wanted rows (flat-decode.ts). The
// files are opened through an injectable `OpenSource`, so tests serve bytes from memory and the
// app ranges over HTTP. A file whose size or ETag is not the one the index recorded is stale:
// its rows are reported, not read, since the index's codes may not be its chips any more.

import type { AsyncBuffer } from 'hyparquet'
import { DatasetError, errorMessage } from '../errors.ts'
import { readFooter } from '../geoparquet/footer.ts'
import { decodeEmbeddingColumn } from '../geoparquet/flat-decode.ts'
import { cosineExact, maxExact } from '../rank/exact.ts'
import type { LoadedArchive } from './archive.ts'

/** One data file opened for ranged reads. */
export interface SourceFile extends AsyncBuffer {
  /** The ETag the server gave, or null. */
  readonly etag: string | null
  /** Requests and body bytes so far (the open included). */
  requests(): number
  bytesRead(): number
}

/**
 * Opens `key` (relative to the header's base). Throws DatasetError when the file can't be
 * reached. `indexFile` opens a file of the index itself (relative to index.json): the rescoring
 * copy, when the index has one.
 */
export type OpenSource = ((key: string, signal?: AbortSignal) => Promise<SourceFile>) & { indexFile?: (path: string, signal?: AbortSignal) => Promise<SourceFile> }

/** A file whose chips could not be read, and why. */
export interface SourceProblem {
  key: string
  kind: 'stale' | 'unreadable'
  reason: string
}

export interface FetchedRows {
  /** Per wanted chip (same order), its dims float32 values, or null when its file was not read. */
  vectors: (Float32Array | null)[]
  problems: SourceProblem[]
  requests: number
  bytes: number
}

/** Files read at once: enough to overlap latency, few enough to stay polite to one host. */
const PARALLEL_FILES = 6

/** Why `file` is not the file the index was built from, or null when it is. */
export function staleness(file: SourceFile, recorded: { bytes: number; etag: string | null }): string | null {
  if (file.byteLength !== recorded.bytes) return `it is ${file.byteLength} bytes now; the index was built from ${recorded.bytes}`
  if (recorded.etag !== null && file.etag !== null && file.etag !== recorded.etag) return `its ETag is ${file.etag} now; the index was built from ${recorded.etag}`
  return null
}

/**
 * The float32 rows of `chips` (indices into the archive), grouped per source file and row group.
 * Files that are stale or can't be read leave their chips null and say why in `problems`; an
 * abort throws.
 */
export async function fetchRows(archive: LoadedArchive, chips: ArrayLike<number>, open: OpenSource, signal?: AbortSignal): Promise<FetchedRows> {
  // Chips of files the listing says have changed are not read at all.
  if (archive.stale.size > 0) {
    const fresh: number[] = []
    const at: number[] = []
    const keys = new Set<number>()
    for (let k = 0; k < chips.length; k++) {
      const s = archive.source[chips[k]!]!
      if (archive.stale.has(s)) keys.add(s)
      else {
        fresh.push(chips[k]!)
        at.push(k)
      }
    }
    if (keys.size > 0) {
      const got = await readRows(archive, fresh, open, signal)
      const vectors: (Float32Array | null)[] = Array.from({ length: chips.length }, () => null)
      at.forEach((k, i) => (vectors[k] = got.vectors[i]!))
      const problems = [...[...keys].map((s) => ({ key: archive.header.sources[s]!.key, kind: 'stale' as const, reason: `${archive.header.sources[s]!.key} changed since the index was built: ${archive.stale.get(s)}` })), ...got.problems]
      return { vectors, problems, requests: got.requests, bytes: got.bytes }
    }
  }
  return readRows(archive, chips, open, signal)
}

/** fetchRows for chips of files that haven't changed: from the index's copy when it has one, else from their files. */
async function readRows(archive: LoadedArchive, chips: ArrayLike<number>, open: OpenSource, signal?: AbortSignal): Promise<FetchedRows> {
  if (open.indexFile && archive.header.parts.every((p) => p.rows)) return fetchCopyRows(archive, chips, open.indexFile, signal)
  const vectors: (Float32Array | null)[] = Array.from({ length: chips.length }, () => null)
  const bySource = new Map<number, number[]>()
  for (let k = 0; k < chips.length; k++) {
    const s = archive.source[chips[k]!]!
    let list = bySource.get(s)
    if (!list) bySource.set(s, (list = []))
    list.push(k)
  }
  const problems: SourceProblem[] = []
  let requests = 0
  let bytes = 0
  const queue = [...bySource.entries()]
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [source, wanted] = next
      const recorded = archive.header.sources[source]!
      let file: SourceFile | null = null
      try {
        file = await open(recorded.key, signal)
        const stale = staleness(file, recorded)
        if (stale) problems.push({ key: recorded.key, kind: 'stale', reason: `${recorded.key} changed since the index was built: ${stale}` })
        else await readSourceRows(archive, file, recorded.key, wanted.map((k) => [k, archive.row[chips[k]!]!] as const), vectors, signal)
      } catch (err) {
        if (signal?.aborted || (err instanceof DatasetError && err.code === 'aborted')) throw err
        problems.push({ key: recorded.key, kind: 'unreadable', reason: errorMessage(err) })
      } finally {
        if (file) {
          requests += file.requests()
          bytes += file.bytesRead()
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, queue.length) }, worker))
  problems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return { vectors, problems, requests, bytes }
}

/** Rows of the copy closer than this are read in one request (the gap's bytes are cheaper than a request). */
const MERGE_GAP_ROWS = 16

/**
 * The float32 rows of `chips` from the index's rescoring copy (rows-NNNNN.f32 beside each code
 * file): one range request per run of nearby rows, a few files at a time. The copy holds the
 * values the builder decoded from the source files, so the scores are the same exact scores.
 */
async function fetchCopyRows(
  archive: LoadedArchive,
  chips: ArrayLike<number>,
  openFile: NonNullable<OpenSource['indexFile']>,
  signal: AbortSignal | undefined,
): Promise<FetchedRows> {
  const { parts } = archive.header
  const rowBytes = archive.dims * 4
  const starts = [0]
  for (const p of parts) starts.push(starts.at(-1)! + p.chips)
  const partOf = (chip: number) => {
    let lo = 0
    let hi = parts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid]! <= chip) lo = mid
      else hi = mid - 1
    }
    return lo
  }
  // Per part, the wanted [position in `vectors`, row in the part], by row.
  const byPart = new Map<number, [number, number][]>()
  for (let k = 0; k < chips.length; k++) {
    const p = partOf(chips[k]!)
    let list = byPart.get(p)
    if (!list) byPart.set(p, (list = []))
    list.push([k, chips[k]! - starts[p]!])
  }
  const runs: { part: number; first: number; last: number; wanted: [number, number][] }[] = []
  for (const [part, wanted] of byPart) {
    wanted.sort((a, b) => a[1] - b[1])
    let run: (typeof runs)[number] | null = null
    for (const w of wanted) {
      if (run && w[1] - run.last <= MERGE_GAP_ROWS) {
        run.last = w[1]
        run.wanted.push(w)
      } else runs.push((run = { part, first: w[1], last: w[1], wanted: [w] }))
    }
  }
  const vectors: (Float32Array | null)[] = Array.from({ length: chips.length }, () => null)
  const problems: SourceProblem[] = []
  const files = new Map<number, Promise<SourceFile>>()
  const fileOf = (part: number) => {
    let f = files.get(part)
    if (!f) files.set(part, (f = openFile(parts[part]!.rows!.path, signal)))
    return f
  }
  const failed = new Set<number>()
  const queue = [...runs]
  const worker = async () => {
    for (let run = queue.shift(); run; run = queue.shift()) {
      if (failed.has(run.part)) continue
      try {
        const file = await fileOf(run.part)
        const rows = parts[run.part]!.rows!
        if (file.byteLength !== rows.bytes) throw new DatasetError('truncated', rows.path, `${rows.path} is ${file.byteLength} bytes where the index says ${rows.bytes}: build the index again.`)
        const buf = await file.slice(run.first * rowBytes, (run.last + 1) * rowBytes)
        for (const [k, row] of run.wanted) vectors[k] = new Float32Array(buf.slice((row - run.first) * rowBytes, (row - run.first + 1) * rowBytes))
      } catch (err) {
        if (signal?.aborted || (err instanceof DatasetError && err.code === 'aborted')) throw err
        if (!failed.has(run.part)) problems.push({ key: parts[run.part]!.rows!.path, kind: 'unreadable', reason: errorMessage(err) })
        failed.add(run.part)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, queue.length) }, worker))
  let requests = 0
  let bytes = 0
  for (const f of files.values()) {
    const file = await f.catch(() => null)
    if (file) {
      requests += file.requests()
      bytes += file.bytesRead()
    }
  }
  return { vectors, problems, requests, bytes }
}

/** Reads the wanted rows ([position in `out`, file row]) of one file into `out`. */
async function readSourceRows(
  archive: LoadedArchive,
  file: SourceFile,
  key: string,
  wanted: readonly (readonly [number, number])[],
  out: (Float32Array | null)[],
  signal: AbortSignal | undefined,
): Promise<void> {
  const dims = archive.dims
  const footer = await readFooter(file, { signal, fileName: key, keepMetadata: true })
  const metadata = footer.metadata!
  const column = archive.header.identity.embeddingColumn ?? footer.embeddingColumn
  if (!column) throw new DatasetError('no-embedding-column', key, `${key} has no embedding column any more.`)
  // Row groups' first rows, to find each wanted row's group.
  const starts = [0]
  for (const rg of metadata.row_groups) starts.push(starts.at(-1)! + Number(rg.num_rows))
  const groupOf = (row: number) => {
    let g = 0
    while (starts[g + 1]! <= row) g++
    return g
  }
  const byGroup = new Map<number, (readonly [number, number])[]>()
  for (const w of wanted) {
    if (!(w[1] >= 0 && w[1] < starts.at(-1)!)) throw new DatasetError('changed', key, `${key} has ${starts.at(-1)} rows; the index names row ${w[1]}.`)
    const g = groupOf(w[1])
    let list = byGroup.get(g)
    if (!list) byGroup.set(g, (list = []))
    list.push(w)
  }
  for (const [g, rows] of [...byGroup.entries()].sort((a, b) => a[0] - b[0])) {
    const raw = await decodeEmbeddingColumn(file, metadata, column, { rowGroups: [g], signal })
    // Where each row's values start: nulls and empty lists hold no values.
    const at = new Float64Array(raw.lengths.length + 1)
    for (let r = 0; r < raw.lengths.length; r++) at[r + 1] = at[r]! + Math.max(0, raw.lengths[r]!)
    for (const [k, fileRow] of rows) {
      const r = fileRow - starts[g]!
      if (raw.lengths[r] !== dims || raw.nullElements[r]) throw new DatasetError('changed', key, `Row ${fileRow} of ${key} isn't a ${dims}-value embedding any more.`)
      out[k] = raw.values.slice(at[r]!, at[r]! + dims)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Exact scores, as the in-view search gives them (rank/index.ts), centred on the index's μ.

/** The examples as a query: 'mean' one direction; 'max' every example (positives first). */
export interface ArchiveQuery {
  method: 'mean' | 'max'
  vectors: Float64Array[]
  norms: number[]
  /** How many of `vectors` are positives ('max'). */
  npos: number
}

/** x − μ in float64, as rank/index.ts centres. */
function centred(x: Float32Array, mean: Float64Array): Float64Array {
  return Float64Array.from(mean, (m, j) => x[j]! - m)
}

/** Mean of the centred vectors, summed in order (as SearchIndex.meanOf). */
function meanCentred(xs: readonly Float32Array[], mean: Float64Array): Float64Array {
  const out = new Float64Array(mean.length)
  for (const x of xs) {
    const v = centred(x, mean)
    for (let j = 0; j < out.length; j++) out[j]! += v[j]!
  }
  for (let j = 0; j < out.length; j++) out[j]! /= xs.length
  return out
}

const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0))

/**
 * 'mean': q = mean(x − μ of positives), or 2·that − mean(x − μ of negatives); 'max': each example
 * centred. Null without positives, or when q has length 0 (it points nowhere).
 */
export function buildQuery(method: 'mean' | 'max', positives: readonly Float32Array[], negatives: readonly Float32Array[], mean: Float64Array): ArchiveQuery | null {
  if (positives.length === 0) return null
  if (method === 'max') {
    const vectors = [...positives, ...negatives].map((x) => centred(x, mean))
    return { method, vectors, norms: vectors.map(norm), npos: positives.length }
  }
  const q = meanCentred(positives, mean)
  if (negatives.length > 0) {
    const neg = meanCentred(negatives, mean)
    for (let j = 0; j < q.length; j++) q[j] = 2 * q[j]! - neg[j]!
  }
  const n = norm(q)
  return n === 0 ? null : { method, vectors: [q], norms: [n], npos: 1 }
}

/** A chip's exact score for the query, rounded to float32 as the in-view search's top K is. */
export function exactScore(query: ArchiveQuery, x: Float32Array, mean: Float64Array, dots: Float64Array): number {
  const dims = mean.length
  const score =
    query.method === 'mean'
      ? cosineExact(x, 0, dims, query.vectors[0]!, query.norms[0]!, mean)
      : maxExact(x, 0, dims, query.vectors, query.norms, query.npos, mean, dots)
  return Math.fround(score)
}
