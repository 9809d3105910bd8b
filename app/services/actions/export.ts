// Exports of the results a person sees (the list's threshold and loss filter): GeoJSON, CSV or
// GeoParquet, written piece by piece (a few thousand chips each) with a yield to the page between
// pieces, so a big export never builds one giant string and the page stays responsive.
// Where the browser can write straight to a file (showSaveFilePicker) and the export is big, the
// person picks where and the pieces go to disk as they are made; otherwise they become the parts
// of one Blob, downloaded as usual.

import { csvParts, geoJsonParts, rankedRows, type RankedRow } from '../../lib/export.ts'
import { exportQuery, type ExportQuery } from '../../lib/export/query.ts'
import { writeGeoParquet } from '../../lib/export/geoparquet.ts'
import { lossKeep } from '../../lib/chip-filter.ts'
import type { ChipCollection } from '../../lib/chip-collection.ts'
import { useAppStore, type AppState } from '../../state/store.ts'
import { currentArchiveResults, currentRanking, type CurrentRanking, type Registry } from '../resources/registry.ts'
import { archiveCsv, archiveGeoJson } from '../../lib/export/archive.ts'
import type { FileExamples } from './file-examples.ts'
import { shareLink } from '../flows/url-sync.ts'

export type ExportFormat = 'geojson' | 'csv' | 'parquet'

export const EXPORT_FORMATS: Record<ExportFormat, { label: string; extension: string; type: string; description: string }> = {
  geojson: { label: 'GeoJSON', extension: 'geojson', type: 'application/geo+json', description: 'GeoJSON' },
  csv: { label: 'CSV', extension: 'csv', type: 'text/csv', description: 'CSV table' },
  parquet: { label: 'GeoParquet', extension: 'parquet', type: 'application/vnd.apache.parquet', description: 'GeoParquet' },
}

/** Chips per piece: small enough that writing one takes a few milliseconds. */
export const CHUNK_ROWS = 2000
/** From this many chips, a browser that can writes straight to a file the person picks. */
export const STREAM_TO_FILE_ROWS = 20_000

export interface ExportProgress {
  done: number
  total: number
}

interface FileSystemWritable {
  write(data: BlobPart): Promise<void>
  close(): Promise<void>
  abort(): Promise<void>
}
type SavePicker = (options: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }) => Promise<{ createWritable(): Promise<FileSystemWritable> }>

/** Let the page paint and handle input between pieces. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

export function exportBaseName(fileName: string): string {
  return `chipfinder-${fileName.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_')}`
}

/** The rows the result list shows under the current threshold and loss filter, best first. */
export function exportRows(chips: ChipCollection, ranking: CurrentRanking, s: Pick<AppState, 'threshold' | 'lossFilter'>): RankedRow[] {
  return rankedRows(ranking.top, ranking.scores, s.threshold, Infinity, lossKeep(chips, s.lossFilter))
}

/** Hand a Blob to the browser as a download named `name`. */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  // Revoke after the click has been handled; the download keeps its own reference.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

export interface ExportActions {
  /**
   * Export the results in `format`. Call it straight from a click: the save picker (big exports)
   * needs the click's user activation. Resolves false when the person cancelled the picker.
   */
  exportResults(format: ExportFormat, onProgress: (p: ExportProgress) => void): Promise<boolean>
  /** The search, as the exported files record it. */
  currentQuery(resultCount: number): ExportQuery
  /** Download the places a whole-archive search found (the list's count of them), as GeoJSON points or CSV. */
  exportArchive(format: 'geojson' | 'csv'): void
}

export interface ExportDeps {
  registry: Registry
  fileExamples: FileExamples
  /** The built-in demo's address (the dataset of a search whose link names none). */
  demoUrl: string
}

export function createExportActions({ registry, fileExamples, demoUrl }: ExportDeps): ExportActions {
  return { exportResults, currentQuery, exportArchive }

  function exportArchive(format: 'geojson' | 'csv'): void {
    const results = currentArchiveResults(registry)
    const s = useAppStore.getState()
    if (!results || results.ids.length === 0) throw new Error('There are no places to export yet: click a chip to search everywhere.')
    const n = Math.min(s.resultCount, results.ids.length)
    const spec = EXPORT_FORMATS[format]
    const text = format === 'geojson' ? archiveGeoJson(results, n, currentQuery(n)) : archiveCsv(results, n)
    downloadBlob(`${exportBaseName(s.collectionTitle ?? s.summary?.fileName ?? 'archive')}-everywhere.${spec.extension}`, new Blob([text], { type: spec.type }))
  }


  function currentQuery(resultCount: number): ExportQuery {
    const s = useAppStore.getState()
    const summary = s.summary
    return exportQuery({
      dataset: {
        url: s.localFileName === null ? (s.datasetUrl ?? demoUrl) : null,
        file: s.localFileName ?? summary?.fileName ?? null,
        model: summary?.modelLabel ?? null,
        family: summary?.family ?? null,
        dims: summary?.dims ?? null,
        sourceModel: summary?.sourceModel ?? null,
      },
      // The share link, from the store as it is now; a local file has none.
      link: shareLink(s),
      positives: s.positives,
      negatives: s.negatives,
      areas: s.areas,
      fileExamples: fileExamples.queryEntries(),
      method: s.method,
      mode: s.mode,
      threshold: s.threshold,
      lossFilter: s.lossFilter,
      resultCount,
    })
  }

  async function exportResults(format: ExportFormat, onProgress: (p: ExportProgress) => void): Promise<boolean> {
    const chips = registry.chips
    const ranking = currentRanking(registry)
    const s = useAppStore.getState()
    if (!chips || !ranking || !s.summary) throw new Error('There is no ranking to export yet: click a chip to rank the others.')
    const rows = exportRows(chips, ranking, s)
    if (rows.length === 0) throw new Error('There are no chips to export: lower the threshold, or widen the filter.')
    const spec = EXPORT_FORMATS[format]
    const name = `${exportBaseName(s.localFileName ?? s.summary.fileName)}.${spec.extension}`

    let writable: FileSystemWritable | null = null
    const picker = (window as unknown as { showSaveFilePicker?: SavePicker }).showSaveFilePicker
    if (picker && rows.length >= STREAM_TO_FILE_ROWS) {
      try {
        const handle = await picker({ suggestedName: name, types: [{ description: spec.description, accept: { [spec.type]: [`.${spec.extension}`] } }] })
        writable = await handle.createWritable()
      } catch (err) {
        if (err instanceof DOMException && err.name === 'AbortError') return false
        writable = null // the picker isn't allowed here: download instead
      }
    }
    const parts: BlobPart[] = []
    const sink = async (part: string | Uint8Array) => {
      if (writable) await writable.write(part as BlobPart)
      else parts.push(part as BlobPart)
    }

    const total = rows.length
    onProgress({ done: 0, total })
    const query = currentQuery(total)
    try {
      if (format === 'parquet') {
        await writeGeoParquet(chips, rows, query, async (bytes) => {
          await sink(bytes)
          await yieldToPage()
        }, { chunkRows: CHUNK_ROWS, progress: (done) => onProgress({ done, total }) })
      } else {
        const pieces = format === 'geojson' ? geoJsonParts(chips, rows, query, s.areas, CHUNK_ROWS) : csvParts(chips, rows, CHUNK_ROWS)
        let done = 0
        let first = true
        for (const piece of pieces) {
          await sink(piece)
          // The first piece is the header; each later one but the last holds CHUNK_ROWS chips.
          if (!first) done = Math.min(total, done + CHUNK_ROWS)
          first = false
          onProgress({ done, total })
          await yieldToPage()
        }
      }
    } catch (err) {
      await writable?.abort().catch(() => {})
      throw err
    }
    onProgress({ done: total, total })
    if (writable) await writable.close()
    else downloadBlob(name, new Blob(parts, { type: spec.type }))
    return true
  }
}
