// The search worker's whole-archive requests: open an index (header and code files, kept in
// memory) and search it, with examples that are loaded rows (their vectors from the SearchIndex),
// archive chips by id (read back from their files) or vectors. The index's I/O is an `ArchiveIO`,
// so the header and code-file readers (app/lib/archive/parse-header.ts, code-file.ts) plug in and
// tests serve indexes from memory.

import { LoadedArchive, type CodePart } from '../../app/lib/archive/archive.ts'
import type { IndexHeader, IndexPart } from '../../app/lib/archive/header.ts'
import { buildQuery, type OpenSource, type SourceFile } from '../../app/lib/archive/rescore.ts'
import { exampleRows, searchArchive } from '../../app/lib/archive/search.ts'
import { DatasetError } from '../../app/lib/errors.ts'
import { assertIndexFits } from '../../app/lib/archive/parse-header.ts'
import type { SearchIndex } from '../../app/lib/rank/index.ts'
import type { ArchiveExample, ArchiveSearchResult, ArchiveSummary, OpenArchiveParams, OpenArchiveProgress, SearchArchiveParams } from './protocol.ts'

export interface ArchiveIO {
  /** index.json, parsed and validated; `bytes` read. */
  readHeader(url: string, signal: AbortSignal): Promise<{ header: IndexHeader; bytes: number }>
  /** One code file's columns; `onBytes` with the bytes received so far. */
  readPart(url: string, part: IndexPart, header: IndexHeader, signal: AbortSignal, onBytes: (bytes: number) => void): Promise<CodePart>
  /** A data file, by its absolute URL. */
  openSource(url: string, signal?: AbortSignal): Promise<SourceFile>
}

interface OpenArchive {
  epoch: number
  archive: LoadedArchive
  open: OpenSource
  /** Example rows read back by id, by chip. */
  rows: Map<number, Float32Array>
}

/** Marks the sources whose listed size is not the one the index recorded, or that the listing lacks. */
function markStale(archive: LoadedArchive, base: string, listing: readonly { url: string; bytes: number | null }[]): void {
  const sizes = new Map(listing.map((f) => [f.url, f.bytes]))
  archive.header.sources.forEach((s, i) => {
    const url = new URL(s.key, base).href
    if (!sizes.has(url)) archive.stale.set(i, 'it is no longer in the folder')
    else {
      const bytes = sizes.get(url)
      if (bytes !== null && bytes !== undefined && bytes !== s.bytes) archive.stale.set(i, `it is ${bytes} bytes now; the index was built from ${s.bytes}`)
    }
  })
}

/** The archive requests over the worker's current epoch and SearchIndex. */
export function archiveHandlers(io: ArchiveIO | undefined, current: () => { epoch: number; index: SearchIndex | null }) {
  let opened: OpenArchive | null = null

  const stale = (e: number) => {
    if (e !== current().epoch) throw new DatasetError('aborted', '', 'A newer dataset was opened.')
  }

  return {
    forget(): void {
      opened = null
    },

    async openArchive({ epoch, url, identity, listing }: OpenArchiveParams, signal: AbortSignal, progress: (p: OpenArchiveProgress) => void): Promise<ArchiveSummary> {
      stale(epoch)
      if (!io) throw new DatasetError('bad-index', url, "This version of the app can't read archive indexes.")
      const t0 = performance.now()
      const { header, bytes: headerBytes } = await io.readHeader(url, signal)
      if (identity) assertIndexFits(header, identity, url)
      if (header.code.kind !== 'sign' || header.code.rotation !== null)
        throw new DatasetError('bad-index', url, "This index codes its chips with a rotation this version of the app can't apply; build it again without one.")
      const archive = new LoadedArchive(header)
      const totalBytes = headerBytes + header.parts.reduce((s, p) => s + p.bytes, 0)
      let done = headerBytes
      for (const [k, part] of header.parts.entries()) {
        const partUrl = new URL(part.path, url).href
        const columns = await io.readPart(partUrl, part, header, signal, (b) => progress({ bytes: done + b, totalBytes, parts: header.parts.length, partsDone: k }))
        if (columns.chips !== part.chips)
          throw new DatasetError('truncated', part.path, `The index's ${part.path} holds ${columns.chips} chips where the header says ${part.chips}: the index is incomplete. Build it again.`)
        archive.addPart(columns)
        done += part.bytes
        progress({ bytes: done, totalBytes, parts: header.parts.length, partsDone: k + 1 })
      }
      if (archive.count !== header.chips) throw new DatasetError('truncated', url, `The index has ${archive.count} chips where its header says ${header.chips}: it is incomplete. Build it again.`)
      stale(epoch)
      const base = new URL(header.base, url).href
      if (listing) markStale(archive, base, listing)
      const open: OpenSource = Object.assign((key: string, s?: AbortSignal) => io.openSource(new URL(key, base).href, s), {
        // The rescoring copy beside the code files, when the index has one.
        indexFile: (path: string, s?: AbortSignal) => io.openSource(new URL(path, url).href, s),
      })
      opened = { epoch, archive, open, rows: new Map() }
      return {
        epoch,
        chips: archive.count,
        sources: header.sources.length,
        identity: header.identity,
        bytes: archive.bytes,
        ms: performance.now() - t0,
        notes: [
          ...header.skipped.map((s) => `${s.key} isn't in the index: ${s.reason}`),
          ...[...archive.stale].map(([s, why]) => `${header.sources[s]!.key} has changed since the index was built (${why}): its places keep estimated scores until the index is built again`),
        ],
      }
    },

    async searchArchive(params: SearchArchiveParams, signal: AbortSignal): Promise<ArchiveSearchResult | null> {
      const { epoch, method, topK } = params
      const { index } = current()
      if (epoch !== current().epoch || !opened || opened.epoch !== epoch) return null
      const { archive, open, rows } = opened
      const t0 = performance.now()
      let requests = 0
      let bytes = 0
      const vectors = async (examples: readonly ArchiveExample[], label: 'positive' | 'negative') => {
        const ids = examples.flatMap((e) => ('id' in e ? [e.id] : []))
        const byId = await exampleRows(archive, ids, open, rows, signal)
        requests += byId.requests
        bytes += byId.bytes
        let k = 0
        const out = examples.map((e) => {
          if ('id' in e) return byId.rows[k++]!
          // One row at weight 1: its float32 values exactly.
          const v = index?.meanOfRows([e.row], [1])
          if (!v) throw new DatasetError('no-rows', '', `Example row ${e.row} isn't loaded any more.`)
          return v
        })
        return [...out, ...(params.queries ?? []).filter((q) => q.label === label).map((q) => q.vector)]
      }
      const positives = await vectors(params.positives, 'positive')
      const negatives = await vectors(params.negatives, 'negative')
      for (const v of [...positives, ...negatives])
        if (v.length !== archive.dims) throw new DatasetError('wrong-model', '', `An example has ${v.length} values but the index's chips have ${archive.dims}: they come from different models.`)
      const query = buildQuery(method, positives, negatives, archive.mean)
      if (!query) return null
      const hits = await searchArchive(archive, query, open, { topK, signal })
      const chips = Array.from(hits.chips)
      return {
        epoch,
        ids: chips.map((c) => archive.idOf(c)),
        scores: hits.scores,
        exact: hits.exact,
        lon: Float32Array.from(chips, (c) => archive.lon[c]!),
        lat: Float32Array.from(chips, (c) => archive.lat[c]!),
        dates: chips.map((c) => (archive.date[c]! < 0 ? null : new Date(archive.date[c]! * 86_400_000).toISOString().slice(0, 10))),
        sources: chips.map((c) => archive.keyOf(c)),
        rows: Int32Array.from(chips, (c) => archive.row[c]!),
        problems: hits.problems,
        stats: { ...hits.stats, requests: hits.stats.requests + requests, bytes: hits.stats.bytes + bytes, totalMs: performance.now() - t0 },
      }
    },
  }
}
