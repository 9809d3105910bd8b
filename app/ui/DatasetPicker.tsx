import { useEffect, useRef } from 'react'
import { useAppStore } from '../state/store.ts'
import type { CatalogEntry } from '../lib/catalog/catalog.ts'
import { OpenSourceForm } from './OpenSourceForm.tsx'

export function DatasetPicker({
  entries,
  onOpen,
  onOpenFile,
}: {
  entries: CatalogEntry[]
  onOpen: (entry: CatalogEntry) => void
  onOpenFile: (file: File) => void
}) {
  const open = useAppStore((s) => s.pickerOpen)
  const catalog = useAppStore((s) => s.catalog)
  const setPickerOpen = useAppStore((s) => s.setPickerOpen)
  const dialog = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (!open) return
    dialog.current?.querySelector<HTMLButtonElement>('button.open-entry')?.focus()
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setPickerOpen(false)
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [open, setPickerOpen])

  if (!open) return null
  const shown = catalog?.entries ?? entries
  return (
    <div className="picker-backdrop" onClick={(e) => e.target === e.currentTarget && setPickerOpen(false)}>
      <div className="picker" role="dialog" aria-modal="true" aria-labelledby="picker-title" ref={dialog} data-testid="dataset-picker">
        <div className="section-head">
          <h2 id="picker-title">{catalog ? 'Datasets in this catalog' : 'Datasets'}</h2>
          <button type="button" className="icon" aria-label="Close" onClick={() => setPickerOpen(false)}>
            ×
          </button>
        </div>
        {catalog?.url && <p className="small muted dataset-source">{catalog.url}</p>}
        <ul className="entries">
          {shown.map((entry) => (
            <li key={entry.id} className="entry" data-testid="catalog-entry">
              <div>
                <p className="entry-title">{entry.title}</p>
                {entry.description && <p className="small muted">{entry.description}</p>}
                <p className="small muted">
                  {[entry.modelName, entry.dims ? `${entry.dims}-d` : null, entry.licence].filter(Boolean).join(' · ')}
                </p>
              </div>
              <button type="button" className="open-entry" onClick={() => onOpen(entry)} aria-label={`Open ${entry.title}`}>
                Open
              </button>
            </li>
          ))}
        </ul>
        {catalog && (
          <button type="button" className="link small" onClick={() => useAppStore.setState({ catalog: null })}>
            Show the built-in datasets
          </button>
        )}
        <h3 className="small muted">Or open your own</h3>
        <OpenSourceForm onOpenFile={onOpenFile} onDone={() => setPickerOpen(false)} />
      </div>
    </div>
  )
}
