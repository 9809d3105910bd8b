import { useAppStore } from '../state/store.ts'
import { rankedRows } from '../lib/export.ts'
import { formatScore } from '../lib/format.ts'
import type { CurrentRanking } from '../services/registry.ts'
import { useLoadedChips } from './use-registry.ts'
import { lossKeep } from '../lib/chip-filter.ts'

const SHOWN = 50

export function ResultsList({ ranking }: { ranking: CurrentRanking }) {
  const threshold = useAppStore((s) => s.threshold)
  const focusRow = useAppStore((s) => s.focusRow)
  const setHoveredRow = useAppStore((s) => s.setHoveredRow)
  const positives = useAppStore((s) => s.positives)
  const negatives = useAppStore((s) => s.negatives)
  const lossFilter = useAppStore((s) => s.lossFilter)
  const chips = useLoadedChips()
  if (!chips) return null
  const rows = rankedRows(ranking.top, ranking.scores, threshold, SHOWN, lossKeep(chips, lossFilter))

  return (
    <div className="results">
      <h3 className="small muted">
        Top {rows.length} {threshold !== null ? 'above the threshold' : ''}
      </h3>
      <ol className="result-list" data-testid="results" aria-label="Ranked chips" onMouseLeave={() => setHoveredRow(null)}>
        {rows.map(({ row, rank, score }) => {
          const id = chips.id(row)
          const label = positives.includes(id) ? 'positive' : negatives.includes(id) ? 'negative' : null
          return (
            <li key={row}>
              <button
                type="button"
                className="result"
                data-testid="result-row"
                data-chip-id={id}
                data-score={score}
                onClick={() => focusRow(row)}
                onMouseEnter={() => setHoveredRow(row)}
                onFocus={() => setHoveredRow(row)}
                title="Show on the map"
              >
                <span className="rank">{rank}</span>
                <span className="chip-id">
                  {id}
                  {label && <span className={`badge ${label}`}>{label === 'positive' ? '+' : '−'}</span>}
                </span>
                <span className="date small muted">
                  {chips.date(row) ?? ''}
                  {chips.loss(row) !== null && ` · loss ${chips.loss(row)!.toFixed(2)}`}
                </span>
                <span className="score">{formatScore(score)}</span>
              </button>
            </li>
          )
        })}
      </ol>
      {rows.length === 0 && <p className="small muted">No chip scores above the threshold. Move the slider left.</p>}
    </div>
  )
}
