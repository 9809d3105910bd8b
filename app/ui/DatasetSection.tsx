import { useState, type FormEvent } from 'react'
import { useAppStore } from '../state/store.ts'
import { datasetLabel, formatBytes, formatCount } from '../lib/format.ts'
import { isOpenableUrl } from '../lib/url-state.ts'
import { LoadStatus } from './LoadStatus.tsx'
import type { DatasetService } from '../services/dataset-service.ts'

export function DatasetSection({ service }: { service: DatasetService }) {
  const summary = useAppStore((s) => s.summary)
  const status = useAppStore((s) => s.loadStatus)
  const progress = useAppStore((s) => s.loadProgress)
  const error = useAppStore((s) => s.loadError)
  const datasetUrl = useAppStore((s) => s.datasetUrl)
  const localFileName = useAppStore((s) => s.localFileName)
  const collectionTitle = useAppStore((s) => s.collectionTitle)
  const setDatasetUrl = useAppStore((s) => s.setDatasetUrl)
  const setPickerOpen = useAppStore((s) => s.setPickerOpen)
  const [draft, setDraft] = useState('')
  const [draftError, setDraftError] = useState<string | null>(null)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const url = draft.trim()
    if (!isOpenableUrl(url)) {
      setDraftError('Enter a full http:// or https:// link to a GeoParquet file.')
      return
    }
    setDraftError(null)
    setDatasetUrl(url)
  }

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
        <form onSubmit={submit} className="url-form">
          <label htmlFor="dataset-url" className="small">
            Link to a GeoParquet embeddings file (the server must allow browser access)
          </label>
          <div className="row">
            <input
              id="dataset-url"
              type="url"
              inputMode="url"
              placeholder="https://data.source.coop/…/file.parquet"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              aria-invalid={draftError !== null}
            />
            <button type="submit">Open</button>
          </div>
          {draftError && (
            <p className="field-error small" role="alert">
              {draftError}
            </p>
          )}
        </form>
        <label className="file-pick small">
          Or a file from this computer (it stays on your computer):
          <input
            type="file"
            accept=".parquet,.gpq,.geoparquet"
            onChange={(e) => {
              const file = e.target.files?.[0]
              if (file) service.openLocalFile(file)
              e.target.value = ''
            }}
          />
        </label>
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
