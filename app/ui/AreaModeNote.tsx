// How drawn areas become vectors for the open dataset, in one line under the examples: encoded
// from fresh imagery by the dataset's own model (with where the encoder runs, which the person
// may change), or the mean of the stored chips they cover (and why, when the dataset names a model
// that can't be used here).

import { areaModeChoice } from '../services/flows/areas/area-mode.ts'
import { useAppStore } from '../state/store.ts'

const BACKENDS = [
  { id: 'auto', label: 'Automatic' },
  { id: 'webgpu', label: 'Graphics card (WebGPU)' },
  { id: 'wasm', label: 'Processor (WebAssembly)' },
] as const

export function AreaModeNote() {
  // The choice depends on the open dataset (its catalog entry and its first file's source_model).
  useAppStore((s) => s.summary)
  useAppStore((s) => s.datasetVersion)
  const backend = useAppStore((s) => s.encoderBackend)
  const setBackend = useAppStore((s) => s.setEncoderBackend)
  const hasAreas = useAppStore((s) => s.areas.length > 0)
  const choice = areaModeChoice()
  if (choice.mode === 'stored' && !hasAreas) return null
  if (choice.mode === 'stored')
    return (
      <p className="muted small" data-testid="area-mode" data-mode="stored">
        A drawn area stands for the mean of the loaded chips it covers.{choice.reason ? ` ${choice.reason}` : ''}
      </p>
    )
  return (
    <div className="muted small area-mode" data-testid="area-mode" data-mode="encoder">
      <p>
        A drawn area is encoded on the spot by {choice.model?.manifest.name}, from the clearest Sentinel-2 scene of its dates. The model is
        downloaded once and kept by this browser.
      </p>
      <label>
        Run the encoder on{' '}
        <select value={backend} onChange={(e) => setBackend(e.target.value as (typeof BACKENDS)[number]['id'])} aria-label="Run the encoder on">
          {BACKENDS.map((b) => (
            <option key={b.id} value={b.id}>
              {b.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}
