// While a shared link opens: what it asked for and what the page is waiting on, so a person who
// followed a link knows their colleague's search is on its way (app/services/flows/url-sync.ts clears it
// once the search is ranked).

import { useAppStore } from '../state/store.ts'
import { formatBytes, formatCount } from '../lib/format.ts'

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}

export function SharedOpenBanner() {
  const shared = useAppStore((s) => s.sharedOpen)
  const loadStatus = useAppStore((s) => s.loadStatus)
  const progress = useAppStore((s) => s.loadProgress)
  const files = useAppStore((s) => s.filesProgress)
  if (!shared) return null
  const what = [
    shared.examples > 0 ? plural(shared.examples, 'example chip', 'example chips') : null,
    shared.areas > 0 ? plural(shared.areas, 'drawn area', 'drawn areas') : null,
  ]
    .filter(Boolean)
    .join(' and ')
  let step = 'Ranking the chips…'
  if (files) step = `Loading the dataset: ${formatCount(files.filesDone)} of ${formatCount(files.filesTotal)} files, ${formatBytes(files.bytesRead)}…`
  else if (loadStatus === 'loading' || loadStatus === 'idle')
    step = `Loading the dataset${progress && progress.bytesRead > 0 ? `: ${formatBytes(progress.bytesRead)}${progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : ''}` : ''}…`
  return (
    <div className="shared-open" role="status" aria-live="polite" data-testid="shared-open">
      <span className="spinner" aria-hidden="true" />
      <span>
        <strong>Opening a shared search</strong> with {what}. {step}
      </span>
    </div>
  )
}
