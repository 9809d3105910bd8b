// The archive search's slot of the benchmark: the index read through the app's own readers
// (parseIndexHeader, readCodePart, LoadedArchive), queries run by app/lib/archive/search.ts with
// its rescoring reading the original files over HTTP from the data server through the worker's
// own browser I/O (workers/search/archive-io.ts: openRangeBuffer, ETags from HEAD), every request
// and byte counted at the fetch.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { LoadedArchive } from '../../app/lib/archive/archive.ts'
import { readCodePart } from '../../app/lib/archive/code-file.ts'
import { parseIndexHeader } from '../../app/lib/archive/parse-header.ts'
import { buildQuery, type ArchiveQuery, type OpenSource } from '../../app/lib/archive/rescore.ts'
import { exampleRows, searchArchive, shortlist, type ArchiveHits, type ArchiveSearchOptions } from '../../app/lib/archive/search.ts'
import { signDots } from '../../app/lib/archive/scan.ts'
import { encodeCentred } from '../../app/lib/archive/codes.ts'
import { browserArchiveIO } from '../../workers/search/archive-io.ts'

export interface OpenedIndex {
  archive: LoadedArchive
  /** Reading index.json and every code file off the disk (the cached case: bytes already local). */
  readMs: number
  /** Parsing: parseIndexHeader, readCodePart of every part, LoadedArchive.addPart. */
  parseMs: number
  /** index.json + code files + centroids: what is published. */
  publishedBytes: number
  codeFileBytes: number
}

export async function openIndex(dir: string): Promise<OpenedIndex> {
  const t0 = performance.now()
  const text = await readFile(path.join(dir, 'index.json'), 'utf8')
  const t1 = performance.now()
  const header = parseIndexHeader(JSON.parse(text), `file://${dir}/index.json`)
  const archive = new LoadedArchive(header)
  let readMs = t1 - t0
  let parseMs = performance.now() - t1
  let codeFileBytes = 0
  for (const part of header.parts) {
    const r0 = performance.now()
    const b = await readFile(path.join(dir, part.path))
    const r1 = performance.now()
    const rows = await readCodePart(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, { codeBytes: header.code.bytes, fileName: part.path })
    archive.addPart({ chips: rows.count, codes: rows.codes, ids: rows.ids, source: rows.source, row: rows.row, lon: rows.lon, lat: rows.lat, date: rows.date })
    readMs += r1 - r0
    parseMs += performance.now() - r1
    codeFileBytes += b.byteLength
  }
  let publishedBytes = Buffer.byteLength(text) + codeFileBytes
  if (header.lists) publishedBytes += (await readFile(path.join(dir, header.lists.centroids))).byteLength
  return { archive, readMs, parseMs, publishedBytes, codeFileBytes }
}

/** Counts every request and body byte that goes through it. */
export function countingFetch(): { fetch: typeof fetch; requests: () => number; bytes: () => number; reset: () => void } {
  let requests = 0
  let bytes = 0
  const counted: typeof fetch = async (input, init) => {
    requests++
    const res = await globalThis.fetch(input, init)
    const body = await res.arrayBuffer()
    bytes += body.byteLength
    return new Response((init?.method ?? 'GET').toUpperCase() === 'HEAD' ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers })
  }
  return {
    fetch: counted,
    requests: () => requests,
    bytes: () => bytes,
    reset: () => {
      requests = 0
      bytes = 0
    },
  }
}

/**
 * The data files by `dataUrl` + key. The index built over HTTP records the data server's URL as
 * its base, and the server takes a new port every run, so the benchmark names the folder itself
 * (keys and ETags are the same: the files are).
 */
export function openSourceOver(dataUrl: string, doFetch: typeof fetch, indexUrl?: string): OpenSource {
  const io = browserArchiveIO(doFetch)
  const open: OpenSource = (key, signal) => io.openSource(new URL(key, dataUrl).href, signal)
  // The index's rescoring copy, read over HTTP like a published one, when the index is served.
  if (indexUrl) open.indexFile = (p, signal) => io.openSource(new URL(p, indexUrl).href, signal)
  return open
}

/** Archive chips by global ordinal (manifest order), and back. */
export function chipOrdinals(archive: LoadedArchive, ordinalOf: (key: string, row: number) => number): { toOrdinal: Int32Array; toChip: Map<number, number> } {
  const toOrdinal = new Int32Array(archive.count)
  const toChip = new Map<number, number>()
  for (let c = 0; c < archive.count; c++) {
    const o = ordinalOf(archive.keyOf(c), archive.row[c]!)
    toOrdinal[c] = o
    toChip.set(o, c)
  }
  return { toOrdinal, toChip }
}

/** The query the app would build from these example chips (their rows read back by id). */
export async function queryOf(archive: LoadedArchive, chips: readonly number[], open: OpenSource): Promise<ArchiveQuery> {
  const { rows } = await exampleRows(archive, chips.map((c) => archive.idOf(c)), open, new Map())
  const q = buildQuery('mean', rows, [], archive.mean)
  if (!q) throw new Error('the examples give no query')
  return q
}

/** The top k by the sign-code estimate alone (no rescoring): the Hamming C, then q · signs. */
export function estimateOnly(archive: LoadedArchive, query: ArchiveQuery, candidates: number, k: number): Uint32Array {
  const { picked } = shortlist(archive, query, candidates, k)
  const e = signDots(archive.scanner, picked, query.vectors[0]!)
  return Uint32Array.from(Array.from(picked.keys()).sort((a, b) => e[b]! - e[a]! || picked[a]! - picked[b]!), (i) => picked[i]!)
}

/** Hamming distance scan + selection alone (the kernel's part), for its timing. */
export function scanOnly(archive: LoadedArchive, query: ArchiveQuery, candidates: number): number {
  return archive.scanner.nearest(encodeCentred(query.vectors[0]!, archive.dims), candidates).length
}

export async function timedSearch(archive: LoadedArchive, query: ArchiveQuery, open: OpenSource, options: ArchiveSearchOptions): Promise<{ hits: ArchiveHits; ms: number }> {
  const t0 = performance.now()
  const hits = await searchArchive(archive, query, open, options)
  return { hits, ms: performance.now() - t0 }
}
