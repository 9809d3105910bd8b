import { useState } from 'react'
import { useAppStore } from '../state/store.ts'
import { countAtOrAbove } from '../lib/histogram.ts'
import { formatCount } from '../lib/format.ts'
import type { CurrentRanking } from '../services/resources/registry.ts'
import { useLoadedChips } from './use-registry.ts'
import { lossKeep } from '../lib/chip-filter.ts'
import { useServices } from '../services/context.ts'
import { errorMessage } from '../lib/errors.ts'
import { EXPORT_FORMATS, type ExportFormat, type ExportProgress } from '../services/actions/export.ts'

const FORMATS: ExportFormat[] = ['geojson', 'csv', 'parquet']

export function ExportButtons({ ranking }: { ranking: CurrentRanking }) {
  const { exports } = useServices()
  const threshold = useAppStore((s) => s.threshold)
  const summary = useAppStore((s) => s.summary)
  const lossFilter = useAppStore((s) => s.lossFilter)
  const chips = useLoadedChips()
  // Each format's export under way, with how far it got; the other buttons stay usable.
  const [busy, setBusy] = useState<Partial<Record<ExportFormat, ExportProgress>>>({})
  if (!chips || !summary) return null
  const count = countAtOrAbove(ranking.scores, threshold, lossKeep(chips, lossFilter))
  const start = (format: ExportFormat) => {
    const setProgress = (p: ExportProgress | null) =>
      setBusy((b) => {
        const { [format]: _old, ...rest } = b
        return p ? { ...rest, [format]: p } : rest
      })
    exports
      .exportResults(format, setProgress)
      .catch((err: unknown) => useAppStore.getState().notify('error', `The ${EXPORT_FORMATS[format].label} export failed: ${errorMessage(err)}`))
      .finally(() => setProgress(null))
  }
  const running = FORMATS.filter((f) => busy[f])
  return (
    <div className="export" role="group" aria-label="Export">
      <span className="small muted">Export {formatCount(count)} chips:</span>
      {FORMATS.map((format) => (
        <button
          key={format}
          type="button"
          onClick={() => start(format)}
          disabled={count === 0 || busy[format] !== undefined}
          aria-busy={busy[format] !== undefined}
          data-testid={`export-${format}`}
        >
          {EXPORT_FORMATS[format].label}
        </button>
      ))}
      {running.length > 0 && (
        <p className="small muted" role="status" data-testid="export-progress">
          {running
            .map((f) => {
              const p = busy[f]!
              return `Writing ${EXPORT_FORMATS[f].label}: ${formatCount(p.done)} of ${formatCount(p.total)} chips`
            })
            .join('; ')}
        </p>
      )}
      <p className="small muted export-note">GeoJSON and GeoParquet also record the search (examples, method, threshold, link); CSV is the table alone.</p>
    </div>
  )
}
