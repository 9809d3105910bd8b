import { useAppStore } from '../state/store.ts'
import { RESULT_COUNT_CHOICES } from '../lib/vocabulary.ts'
import { rankedRows } from '../lib/export.ts'
import { formatScore } from '../lib/format.ts'
import { describeScore, scoreMeaning, scoreScaleOf, type ScoreScale } from '../lib/score-meaning.ts'
import type { ChipCollection } from '../lib/chip-collection.ts'
import type { CurrentRanking } from '../services/resources/registry.ts'
import { useLoadedChips } from './use-registry.ts'
import { lossKeep } from '../lib/chip-filter.ts'
import { LabelBadge, LabelButtons, useExampleLabel } from './LabelButtons.tsx'

function ResultRow({ chips, row, rank, score, scale }: { chips: ChipCollection; row: number; rank: number; score: number; scale: ScoreScale }) {
  const focusRow = useAppStore((s) => s.focusRow)
  const setHoveredRow = useAppStore((s) => s.setHoveredRow)
  const id = chips.id(row)
  const label = useExampleLabel(id)
  const loss = chips.loss(row)
  return (
    <li className="result-item" onMouseEnter={() => setHoveredRow(row)}>
      <button
        type="button"
        className="result"
        data-testid="result-row"
        data-chip-id={id}
        data-score={score}
        onClick={() => focusRow(row)}
        onFocus={() => setHoveredRow(row)}
        title="Show on the map"
      >
        <span className="rank">{rank}</span>
        <span className="result-name">
          <span className="chip-id">
            <span className="chip-id-text">{id}</span>
            <LabelBadge label={label} />
          </span>
          <span className="date small muted">
            {chips.date(row) ?? ''}
            {loss !== null && ` · loss ${loss.toFixed(2)}`}
          </span>
        </span>
        <span className="score" title={describeScore(score, scale)}>
          {formatScore(score)}
          <span className="visually-hidden">, {scoreMeaning(score, scale)}</span>
        </span>
      </button>
      <LabelButtons id={id} label={label} />
    </li>
  )
}

export function ResultsList({ ranking }: { ranking: CurrentRanking }) {
  const threshold = useAppStore((s) => s.threshold)
  const setHoveredRow = useAppStore((s) => s.setHoveredRow)
  const lossFilter = useAppStore((s) => s.lossFilter)
  const resultCount = useAppStore((s) => s.resultCount)
  const setResultCount = useAppStore((s) => s.setResultCount)
  const chips = useLoadedChips()
  if (!chips) return null
  const rows = rankedRows(ranking.top, ranking.scores, threshold, resultCount, lossKeep(chips, lossFilter))
  // A link may ask for a count the menu doesn't list; it is offered too.
  const choices = [...new Set([...RESULT_COUNT_CHOICES, resultCount])].sort((a, b) => a - b)
  const scale = scoreScaleOf(ranking.range)

  return (
    <div className="results">
      <div className="row results-head">
        <h3 className="small muted grow">
          Top {rows.length} {threshold !== null ? 'above the threshold' : ''}
        </h3>
        <label className="small muted">
          Show{' '}
          <select value={resultCount} onChange={(e) => setResultCount(Number(e.target.value))} aria-label="Results to list" data-testid="result-count">
            {choices.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {rows.length > 0 && (
        <p className="small muted">Click a result to see it on the map; + marks it “more like this”, − marks it “not this”.</p>
      )}
      <ol className="result-list" data-testid="results" aria-label="Ranked chips" onMouseLeave={() => setHoveredRow(null)}>
        {rows.map(({ row, rank, score }) => (
          <ResultRow key={row} chips={chips} row={row} rank={rank} score={score} scale={scale} />
        ))}
      </ol>
      {rows.length === 0 && <p className="small muted">No chip scores above the threshold. Move the slider left.</p>}
    </div>
  )
}
