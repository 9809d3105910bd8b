import { useAppStore } from '../state/store.ts'
import { BUDGET_CHOICES } from '../lib/vocabulary.ts'
import { formatBytes, formatCount } from '../lib/format.ts'

/** What a dataset of many files is doing: files loading (with Cancel), chips here, the budget. */
export function LoadStatus({ onCancel }: { onCancel: () => void }) {
  const progress = useAppStore((s) => s.filesProgress)
  const counts = useAppStore((s) => s.fileCounts)
  const here = useAppStore((s) => s.here)
  const stopReason = useAppStore((s) => s.stopReason)
  const budget = useAppStore((s) => s.budgetBytes)
  const loadedBytes = useAppStore((s) => s.loadedBytes)
  const setBudget = useAppStore((s) => s.setBudget)
  if (!counts) return null
  return (
    <div className="load-status">
      <p className="small muted" data-testid="file-counts">
        {formatCount(counts.total)} files · {formatCount(counts.located)} located · {formatCount(counts.loaded)} loaded
        {counts.failed > 0 && ` · ${formatCount(counts.failed)} skipped or failed`}
      </p>
      {progress && (
        <div className="progress" data-testid="files-progress" role="status" aria-live="polite">
          <progress max={progress.filesTotal} value={progress.filesDone} aria-label="Files loaded" />
          <div className="row small">
            <span className="grow">
              Loading {formatCount(progress.filesDone)} of {formatCount(progress.filesTotal)} files · {formatBytes(progress.bytesRead)} ·{' '}
              {formatCount(progress.chips)} chips
            </span>
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {here && (
        <p className="small" data-testid="here">
          {formatCount(here.loaded)} chips loaded of {here.approximate ? 'about ' : ''}
          {formatCount(here.available)} available here
        </p>
      )}
      {stopReason && (
        <p className="small hint" data-testid="stop-reason" role="status">
          {stopReason}
        </p>
      )}
      <label className="small budget">
        Memory for embeddings: {formatBytes(loadedBytes)} of{' '}
        <select value={budget} onChange={(e) => setBudget(Number(e.target.value))} aria-label="Memory budget">
          {BUDGET_CHOICES.map((b) => (
            <option key={b} value={b}>
              {formatBytes(b)}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}
