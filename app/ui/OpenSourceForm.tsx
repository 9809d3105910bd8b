import { useId, useState, type FormEvent } from 'react'
import { useAppStore } from '../state/store.ts'
import { isOpenableUrl } from '../lib/vocabulary.ts'

/** "Open a link" and "open a file from this computer", in the side panel and in the picker. */
export function OpenSourceForm({ onOpenFile, onDone }: { onOpenFile: (file: File) => void; onDone?: () => void }) {
  const setDatasetUrl = useAppStore((s) => s.setDatasetUrl)
  const [draft, setDraft] = useState('')
  const [draftError, setDraftError] = useState<string | null>(null)
  const id = useId()

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const url = draft.trim()
    if (!isOpenableUrl(url)) {
      setDraftError('Enter a full http:// or https:// link to a GeoParquet file, a folder or a catalog.')
      return
    }
    setDraftError(null)
    setDatasetUrl(url)
    onDone?.()
  }

  return (
    <>
      <form onSubmit={submit} className="url-form">
        <label htmlFor={`${id}-url`} className="small">
          Link to a GeoParquet embeddings file, a folder of them, or a catalog (the server must allow browser access)
        </label>
        <div className="row">
          <input
            id={`${id}-url`}
            type="url"
            inputMode="url"
            placeholder="https://data.source.coop/…/"
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
            if (file) {
              onOpenFile(file)
              onDone?.()
            }
            e.target.value = ''
          }}
        />
      </label>
    </>
  )
}
