import { useAppStore } from '../state/store.ts'
import { formatBytes, formatCount, formatScore } from '../lib/format.ts'
import { describeScore, scoreMeaning, scoreScaleOf } from '../lib/score-meaning.ts'
import type { ArchiveResults as Results } from '../services/resources/registry.ts'
import { LabelBadge, LabelButtons, useExampleLabel } from './LabelButtons.tsx'
import { useServices } from '../services/context.ts'
import { errorMessage } from '../lib/errors.ts'

/** About a chip's size around its centre: where the map flies to show one result. */
const AROUND_DEG = 0.05

/** Latitude and longitude in words ("64.52° N, 165.41° W"). */
export function placeOf(lon: number, lat: number): string {
  const ns = `${Math.abs(lat).toFixed(2)}° ${lat >= 0 ? 'N' : 'S'}`
  const ew = `${Math.abs(lon).toFixed(2)}° ${lon >= 0 ? 'E' : 'W'}`
  return `${ns}, ${ew}`
}

function ArchiveRow({ results, i }: { results: Results; i: number }) {
  const fitTo = useAppStore((s) => s.fitTo)
  const id = results.ids[i]!
  const label = useExampleLabel(id)
  const lon = results.lon[i]!
  const lat = results.lat[i]!
  const score = results.scores[i]!
  const exact = results.exact[i] === 1
  const scale = scoreScaleOf([-1, 1])
  return (
    <li className="result-item">
      <button
        type="button"
        className="result"
        data-testid="archive-result"
        data-chip-id={id}
        data-score={score}
        onClick={() => fitTo([lon - AROUND_DEG, lat - AROUND_DEG, lon + AROUND_DEG, lat + AROUND_DEG])}
        title="Show on the map"
      >
        <span className="rank">{i + 1}</span>
        <span className="result-name">
          <span className="chip-id">
            <span className="chip-id-text">{id}</span>
            <LabelBadge label={label} />
          </span>
          <span className="date small muted">
            {placeOf(lon, lat)}
            {results.dates[i] ? ` · ${results.dates[i]}` : ''}
          </span>
        </span>
        <span className="score" title={exact ? describeScore(score, scale) : `About ${formatScore(score)}: this place’s file couldn’t be read to check it exactly`}>
          {exact ? '' : '≈'}
          {formatScore(score)}
          <span className="visually-hidden">, {scoreMeaning(score, scale)}</span>
        </span>
      </button>
      <LabelButtons id={id} label={label} />
    </li>
  )
}

/** The best places in the whole archive, with how the search went. */
export function ArchiveResults({ results }: { results: Results }) {
  const archive = useAppStore((s) => s.archive)
  const resultCount = useAppStore((s) => s.resultCount)
  const method = useAppStore((s) => s.method)
  const { exports } = useServices()
  const n = Math.min(resultCount, results.ids.length)
  const download = (format: 'geojson' | 'csv') => {
    try {
      exports.exportArchive(format)
    } catch (err) {
      useAppStore.getState().notify('error', `The export failed: ${errorMessage(err)}`)
    }
  }
  const { stats } = results
  return (
    <div className="results" data-testid="archive-results">
      <h3 className="small muted">
        Top {n} of {formatCount(archive?.chips ?? stats.scanned)} places everywhere
      </h3>
      <p className="small muted" data-testid="archive-stats">
        Searched in {(stats.totalMs / 1000).toFixed(1)} s: every place compared by a short code, the best {formatCount(stats.rescored)} checked exactly against
        their stored embeddings ({stats.requests} reads, {formatBytes(stats.bytes)}).
        {stats.approximate ? ' Some scores are estimates: their files couldn’t be read.' : ''}
      </p>
      {method === 'classifier' && (
        <p className="small hint" role="status">
          “Learn from my labels” trains on the chips on the map; everywhere, places are found like the average of your examples.
        </p>
      )}
      <div className="export" role="group" aria-label="Export the places found everywhere">
        <span className="small muted">Export {formatCount(n)} places:</span>
        <button type="button" onClick={() => download('geojson')} data-testid="archive-export-geojson">
          GeoJSON
        </button>
        <button type="button" onClick={() => download('csv')} data-testid="archive-export-csv">
          CSV
        </button>
      </div>
      <p className="small muted">Click a place to go there; + marks it “more like this”, − marks it “not this”.</p>
      <ol className="result-list" aria-label="Places everywhere, best first">
        {Array.from({ length: n }, (_, i) => (
          <ArchiveRow key={results.ids[i]} results={results} i={i} />
        ))}
      </ol>
    </div>
  )
}
