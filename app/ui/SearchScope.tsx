import { useAppStore } from '../state/store.ts'
import { formatBytes, formatCount } from '../lib/format.ts'

/**
 * Where a search looks, when the open set has an archive index: every place the index covers
 * ("Everywhere"), or only the chips loaded in view. Says how far reading the index has got, and
 * why it can't be used when it can't.
 */
export function SearchScope() {
  const archive = useAppStore((s) => s.archive)
  const scope = useAppStore((s) => s.scope)
  const setScope = useAppStore((s) => s.setScope)
  const loaded = useAppStore((s) => s.summary?.count ?? 0)
  if (!archive) return null
  if (archive.status === 'error')
    return (
      <p className="small warning-text" role="status" data-testid="archive-status">
        Searching everywhere isn’t possible: {archive.message} Only the chips in view are searched.
      </p>
    )
  if (archive.status === 'opening') {
    const p = archive.progress
    return (
      <p className="small muted" role="status" data-testid="archive-status">
        Getting this set ready to search everywhere…{p && p.totalBytes > 0 ? ` ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}` : ''}
      </p>
    )
  }
  return (
    <div className="scope">
      <div className="segmented" role="radiogroup" aria-label="Where to search">
        <button
          type="button"
          role="radio"
          aria-checked={scope === 'everywhere'}
          onClick={() => setScope('everywhere')}
          title="Search every place in this set, including places you haven’t looked at on the map"
        >
          Everywhere ({formatCount(archive.chips ?? 0)} places)
        </button>
        <button type="button" role="radio" aria-checked={scope === 'view'} onClick={() => setScope('view')} title="Search only the places loaded on the map">
          On the map ({formatCount(loaded)})
        </button>
      </div>
      {archive.notes.length > 0 && (
        <details className="small muted">
          <summary>{archive.notes.length === 1 ? '1 file of this set isn’t searched everywhere' : `${archive.notes.length} files of this set aren’t searched everywhere`}</summary>
          <ul>
            {archive.notes.slice(0, 20).map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  )
}
