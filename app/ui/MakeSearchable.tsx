import { useAppStore, type LocalIndexState } from '../state/store.ts'
import { useServices } from '../services/context.ts'
import { formatBytes, formatCount } from '../lib/format.ts'
import { STORE_NAMES } from '../lib/archive/local-store.ts'
import { STATED_RATE, formatDuration } from '../lib/archive/local-build.ts'

/** "about 20 s", with where the figure comes from when it isn't measured yet. */
function duration(s: LocalIndexState): string {
  return s.measured ? formatDuration(s.seconds) : `${formatDuration(s.seconds)} at ${formatBytes(STATED_RATE)}/s`
}

function changesText(c: NonNullable<LocalIndexState['changes']>): string {
  const parts = [c.added && `${formatCount(c.added)} new`, c.changed && `${formatCount(c.changed)} changed`, c.removed && `${formatCount(c.removed)} removed`].filter(Boolean)
  const n = c.added + c.changed + c.removed
  return `${parts.join(', ')} file${n === 1 ? '' : 's'}`
}

/**
 * For a folder with no published index: make it searchable everywhere in this browser (every
 * file read once, kept in the browser's storage), say how long that will take before it starts,
 * how far it has got while it runs (and after a reload), and when what is kept is out of date.
 */
export function MakeSearchable() {
  const s = useAppStore((st) => st.localIndex)
  const archive = useAppStore((st) => st.archive)
  const service = useServices().localIndex
  if (!s || s.status === 'checking') return null
  const left = s.files - s.done
  const leftBytes = s.bytes - s.doneBytes
  const where = s.storage ? STORE_NAMES[s.storage] : ''
  if (s.status === 'unavailable' || s.status === 'error')
    return (
      <p className="small warning-text" role="status" data-testid="local-index">
        {s.status === 'error' ? 'Making this set searchable everywhere failed: ' : ''}
        {s.message}
      </p>
    )
  if (s.status === 'ready')
    return archive?.status === 'ready' ? (
      <p className="small muted" data-testid="local-index">
        Searching everywhere uses a copy of this set’s places kept in {where}.
      </p>
    ) : null
  if (s.status === 'working' || s.status === 'finishing')
    return (
      <div className="small" role="status" data-testid="local-index" data-done={s.done} data-files={s.files}>
        <p>
          {s.status === 'finishing'
            ? `Read all ${formatCount(s.files)} files; putting the search together…`
            : s.sampling
              ? `Making this set searchable everywhere: first learning what its places look like on average from a few files…`
              : `Making this set searchable everywhere: ${formatCount(s.done)} of ${formatCount(s.files)} files read (${formatBytes(s.doneBytes)} of ${formatBytes(s.bytes)}), ${formatDuration(s.seconds)} left. You can keep working meanwhile.`}
        </p>
        <progress max={s.files} value={s.done} aria-label="Files read" />
        {s.status === 'working' && (
          <button type="button" onClick={() => service.cancel()}>
            Cancel
          </button>
        )}
      </div>
    )
  // offer or stale
  const label =
    s.status === 'stale'
      ? `Update the search everywhere — this set has changed (${changesText(s.changes!)}) since it was made searchable here; reads what changed, about ${formatBytes(leftBytes)}, ${duration(s)}`
      : s.done > 0
        ? `Continue making this set searchable everywhere — ${formatCount(s.done)} of ${formatCount(s.files)} files already read; ${formatCount(left)} left (${formatBytes(leftBytes)}), ${duration(s)}`
        : `Make this set searchable everywhere — reads all ${formatCount(s.files)} files (${formatBytes(s.bytes)}) once, ${duration(s)}; you can keep working meanwhile`
  return (
    <div className="small" data-testid="local-index" data-done={s.done} data-files={s.files}>
      <button type="button" onClick={() => service.start()} title={`What it reads is kept in ${where}, for this folder only; nothing is uploaded.`}>
        {label}
      </button>
      {s.message && <p className="warning-text">{s.message}</p>}
    </div>
  )
}
