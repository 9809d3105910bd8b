import { useAppStore } from '../state/store.ts'
import { useLoadedChips } from './use-registry.ts'
import { UndoRedo } from './UndoRedo.tsx'
import { AreaList } from './AreaList.tsx'
import { AreaModeNote } from './AreaModeNote.tsx'
import { FileExampleList, LabelsFileButtons } from './LabelsFile.tsx'
import { RestoredSession } from './RestoredSession.tsx'
import { useFileExamples } from '../state/file-examples.ts'
import { useServices } from '../services/context.ts'

function ExampleList({ ids, kind }: { ids: string[]; kind: 'positive' | 'negative' }) {
  const removeExample = useAppStore((s) => s.removeExample)
  const focusRow = useAppStore((s) => s.focusRow)
  const loaded = useLoadedChips()
  if (ids.length === 0) return null
  return (
    <ul className={`examples ${kind}`} aria-label={kind === 'positive' ? 'Positive examples' : 'Negative examples'} data-testid={`examples-${kind}`}>
      {ids.map((id) => {
        const row = loaded?.rowOf(id)
        return (
          <li key={id} className="example" data-testid="example">
            <span className={`badge ${kind}`} aria-hidden="true">
              {kind === 'positive' ? '+' : '−'}
            </span>
            <button type="button" className="link chip-id" disabled={row === undefined} onClick={() => row !== undefined && focusRow(row)}>
              {id}
            </button>
            <button type="button" className="icon" aria-label={`Remove ${id}`} title="Remove" onClick={() => removeExample(id)}>
              ×
            </button>
          </li>
        )
      })}
    </ul>
  )
}

export function ExamplesSection() {
  const { fileExamples } = useServices()
  const positives = useAppStore((s) => s.positives)
  const negatives = useAppStore((s) => s.negatives)
  const labelMode = useAppStore((s) => s.labelMode)
  const setLabelMode = useAppStore((s) => s.setLabelMode)
  const clearExamples = useAppStore((s) => s.clearExamples)
  const areas = useAppStore((s) => s.areas)
  const fromFile = useFileExamples((s) => s.examples)
  const anyPositive = positives.length > 0 || areas.some((a) => a.label === 'positive') || fromFile.some((e) => e.label === 'positive')

  return (
    <section className="section" aria-labelledby="examples-heading">
      <div className="section-head">
        <h2 id="examples-heading">Examples</h2>
        {positives.length + negatives.length + areas.length + fromFile.length > 0 && (
          <button
            type="button"
            className="link small"
            onClick={() => {
              clearExamples()
              fileExamples.clear()
            }}
          >
            Clear all
          </button>
        )}
      </div>
      <RestoredSession />
      <UndoRedo />
      <div className="segmented" role="radiogroup" aria-label="A click on the map marks">
        <button type="button" role="radio" aria-checked={labelMode === 'positive'} onClick={() => setLabelMode('positive')}>
          + More like this
        </button>
        <button type="button" role="radio" aria-checked={labelMode === 'negative'} onClick={() => setLabelMode('negative')}>
          − Not like this
        </button>
      </div>
      <p className="muted small">
        Click a chip on the map to use it as an example{labelMode === 'positive' ? '; shift-click marks one to steer away from' : ''}. Click it
        again to remove it. The + and − beside each result and picture do the same. Or draw an area on the map (Draw area, top left): it
        becomes an example too.
      </p>
      <ExampleList ids={positives} kind="positive" />
      <ExampleList ids={negatives} kind="negative" />
      <FileExampleList />
      <AreaList />
      <AreaModeNote />
      <LabelsFileButtons />
      {!anyPositive && negatives.length + areas.length + fromFile.length > 0 && (
        <p className="hint small" role="status">
          Add at least one “more like this” example to rank the chips.
        </p>
      )}
    </section>
  )
}
