import { useRef, useState } from 'react'
import { useAppStore } from '../state/store.ts'
import { useFileExamples } from '../state/file-examples.ts'
import { useServices } from '../services/context.ts'
import { errorMessage } from '../lib/errors.ts'

/** "Save labels" and "Load labels": the examples with their vectors, as a file to reuse. */
export function LabelsFileButtons() {
  const { labels } = useServices()
  const input = useRef<HTMLInputElement>(null)
  const [busy, setBusy] = useState(false)
  const summary = useAppStore((s) => s.summary)
  const count = useAppStore((s) => s.positives.length + s.negatives.length + s.areas.length) + useFileExamples((s) => s.examples.length)
  const save = () => {
    setBusy(true)
    labels
      .save()
      .catch((err: unknown) => useAppStore.getState().notify('error', errorMessage(err)))
      .finally(() => setBusy(false))
  }
  return (
    <div className="labels-file" role="group" aria-label="Labels file">
      <button type="button" onClick={save} disabled={!summary || count === 0 || busy} aria-busy={busy} data-testid="save-labels">
        Save labels
      </button>
      <button type="button" onClick={() => input.current?.click()} disabled={!summary} data-testid="load-labels">
        Load labels
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="load-labels-input"
        onChange={(e) => {
          const file = e.target.files?.[0]
          e.target.value = ''
          if (file) void labels.load(file)
        }}
      />
    </div>
  )
}

/** Examples loaded from a labels file that this dataset doesn't have. */
export function FileExampleList() {
  const { fileExamples } = useServices()
  const examples = useFileExamples((s) => s.examples)
  useAppStore((s) => s.summary)
  if (examples.length === 0) return null
  const mismatch = fileExamples.mismatch()
  return (
    <div className="file-examples">
      <h3 className="small">Examples from a file</h3>
      {mismatch && (
        <p className="hint small" role="status">
          Not used: {mismatch}
        </p>
      )}
      <ul className="examples" aria-label="Examples from a file" data-testid="examples-file">
        {examples.map((e) => (
          <li key={e.id} className="example" data-testid="example" title={`From ${e.fileName}; ranked by its stored vector`}>
            <span className={`badge ${e.label}`} aria-hidden="true">
              {e.label === 'positive' ? '+' : '−'}
            </span>
            <span className="chip-id">{e.id}</span>
            <span className="muted small"> (from {e.fileName})</span>
            <button type="button" className="icon" aria-label={`Remove ${e.id}`} title="Remove" onClick={() => fileExamples.remove(e.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}
