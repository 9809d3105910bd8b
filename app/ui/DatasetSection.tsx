import { useAppStore } from '../state/store.ts'
import { datasetLabel, formatBytes, formatCount } from '../lib/format.ts'
import { OpenSourceForm } from './OpenSourceForm.tsx'
import { LoadStatus } from './LoadStatus.tsx'
import { useServices } from '../services/context.ts'

export function DatasetSection() {
  const service = useServices().dataset
  const summary = useAppStore((s) => s.summary)
  const status = useAppStore((s) => s.loadStatus)
  const progress = useAppStore((s) => s.loadProgress)
  const error = useAppStore((s) => s.loadError)
  const datasetUrl = useAppStore((s) => s.datasetUrl)
  const localFileName = useAppStore((s) => s.localFileName)
  const collectionTitle = useAppStore((s) => s.collectionTitle)
  const setDatasetUrl = useAppStore((s) => s.setDatasetUrl)
  const setPickerOpen = useAppStore((s) => s.setPickerOpen)
  const fraction = progress?.totalBytes ? Math.min(1, progress.bytesRead / progress.totalBytes) : null
  const source = localFileName ?? (datasetUrl === null ? 'Built-in demo: Clay v0, Seward Peninsula, Alaska' : datasetUrl)
  const label = summary ? datasetLabel(summary) : collectionTitle ? `${collectionTitle} · nothing loaded yet` : status === 'loading' ? 'Loading…' : 'No dataset loaded'

  return (
    <section className="section" aria-labelledby="dataset-heading">
      <div className="section-head">
        <h2 id="dataset-heading">Dataset</h2>
        <button type="button" className="link small" onClick={() => setPickerOpen(true)}>
          Choose a dataset…
        </button>
      </div>
      <p className="dataset-label" data-testid="dataset-label">
        {label}
      </p>
      <p className="muted small dataset-source" title={source}>
        {source}
      </p>
      {status === 'loading' && progress && (
        <div className="progress" data-testid="load-progress" role="status" aria-live="polite">
          <progress max={1} value={fraction ?? undefined} aria-label="Loading progress" />
          <span className="small">
            Reading {progress.fileName}: {formatBytes(progress.bytesRead)}
            {progress.totalBytes !== null && ` of ${formatBytes(progress.totalBytes)}`} · {formatCount(progress.chips)} chips decoded
          </span>
        </div>
      )}
      <LoadStatus onCancel={service.cancelLoading} />
      {status === 'error' && error && (
        <div className="load-error" data-testid="load-error" role="alert">
          <p>{error}</p>
          <p className="small">
            {summary ? 'The chips already on the map are still there, and so are your examples.' : 'Your examples are kept.'}{' '}
            <button type="button" className="link" onClick={service.reload}>
              Try again
            </button>
            {datasetUrl !== null && (
              <>
                {' · '}
                <button type="button" className="link" onClick={() => setDatasetUrl(null)}>
                  Open the demo
                </button>
              </>
            )}
          </p>
        </div>
      )}
      <details className="open-dataset">
        <summary>Open another dataset</summary>
        <OpenSourceForm onOpenFile={service.openLocalFile} />
        {(datasetUrl !== null || localFileName !== null) && (
          <button type="button" className="link small" onClick={() => setDatasetUrl(null)}>
            Back to the demo
          </button>
        )}
        <button type="button" className="link small" onClick={() => void service.forgetCache()}>
          Forget cached files
        </button>
      </details>
    </section>
  )
}
