import { useAppStore } from '../state/store.ts'
import { rankedRows, toCsv, toGeoJson } from '../lib/export.ts'
import { countAtOrAbove } from '../lib/histogram.ts'
import { formatCount } from '../lib/format.ts'
import type { CurrentRanking } from '../services/registry.ts'
import { useLoadedChips } from './use-registry.ts'
import { lossKeep } from '../lib/chip-filter.ts'

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  // Revoke after the click has been handled; the download keeps its own reference.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

function baseName(fileName: string): string {
  return `chipfinder-${fileName.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_')}`
}

export function ExportButtons({ ranking }: { ranking: CurrentRanking }) {
  const threshold = useAppStore((s) => s.threshold)
  const summary = useAppStore((s) => s.summary)
  const lossFilter = useAppStore((s) => s.lossFilter)
  const chips = useLoadedChips()
  if (!chips || !summary) return null
  const count = countAtOrAbove(ranking.scores, threshold, lossKeep(chips, lossFilter))
  const exportAs = (format: 'geojson' | 'csv') => {
    const s = useAppStore.getState()
    const rows = rankedRows(ranking.top, ranking.scores, s.threshold, Infinity, lossKeep(chips, s.lossFilter))
    const name = baseName(summary.fileName)
    if (format === 'geojson') {
      const query = {
        dataset: s.datasetUrl ?? 'demo',
        positives: s.positives,
        negatives: s.negatives,
        areas: s.areas.map((a) => `${a.id} (${a.label})`),
        mode: s.mode,
        threshold: s.threshold,
        lossFilter: s.lossFilter,
      }
      download(`${name}.geojson`, 'application/geo+json', toGeoJson(chips, rows, query, s.areas))
    } else {
      download(`${name}.csv`, 'text/csv', toCsv(chips, rows))
    }
  }
  return (
    <div className="export" role="group" aria-label="Export">
      <span className="small muted">Export {formatCount(count)} chips:</span>
      <button type="button" onClick={() => exportAs('geojson')} data-testid="export-geojson">
        GeoJSON
      </button>
      <button type="button" onClick={() => exportAs('csv')} data-testid="export-csv">
        CSV
      </button>
    </div>
  )
}
