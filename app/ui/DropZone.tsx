import { useState, type DragEvent, type ReactNode } from 'react'
import { useServices } from '../services/context.ts'

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer.types).includes('Files')
}

/** Lets a person drop a GeoParquet file anywhere on the app to open it, or a labels file to load its examples (nothing is uploaded). */
export function DropZone({ onFile, children }: { onFile: (file: File) => void; children: ReactNode }) {
  const { labels } = useServices()
  const [over, setOver] = useState(false)
  return (
    <div
      className="drop-zone"
      onDragOver={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        e.dataTransfer.dropEffect = 'copy'
        setOver(true)
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setOver(false)
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        setOver(false)
        const file = e.dataTransfer.files[0]
        // A labels file (JSON) adds examples; anything else is opened as a dataset.
        if (file && (/\.json$/i.test(file.name) || file.type === 'application/json')) void labels.load(file)
        else if (file) onFile(file)
      }}
    >
      {children}
      {over && (
        <div className="drop-overlay" aria-hidden="true" onDragLeave={() => setOver(false)}>
          <p>Drop a GeoParquet file to open it (or a labels file to load its examples). It stays on your computer.</p>
        </div>
      )}
    </div>
  )
}
