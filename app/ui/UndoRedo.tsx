import { useEffect, useState } from 'react'
import { useAppStore } from '../state/store.ts'

/** True when the key press belongs to a field the person is typing in, which has its own undo. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  if (!(target instanceof HTMLInputElement)) return false
  return !['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset', 'image'].includes(target.type)
}

/** Which history key a key press is: Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z and Ctrl+Y redo. */
export function historyKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): 'undo' | 'redo' | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null
  const key = e.key.toLowerCase()
  if (key === 'z') return e.shiftKey ? 'redo' : 'undo'
  if (key === 'y' && !e.shiftKey) return 'redo'
  return null
}

/** Undo and Redo for labelling steps, as buttons and keys; each says what it will undo or redo. */
export function UndoRedo() {
  const undoStep = useAppStore((s) => s.undoSteps.at(-1))
  const redoStep = useAppStore((s) => s.redoSteps.at(-1))
  const undo = useAppStore((s) => s.undo)
  const redo = useAppStore((s) => s.redo)
  const [said, setSaid] = useState('')

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = historyKey(e)
      if (!action || isTyping(e.target) || e.defaultPrevented) return
      const { undoSteps, redoSteps } = useAppStore.getState()
      const step = action === 'undo' ? undoSteps.at(-1) : redoSteps.at(-1)
      e.preventDefault()
      if (!step) return
      setSaid(`${action === 'undo' ? 'Undone' : 'Redone'}: ${step.description}`)
      if (action === 'undo') undo()
      else redo()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [undo, redo])

  return (
    <div className="undo-redo" role="group" aria-label="Undo and redo labels">
      <button
        type="button"
        disabled={!undoStep}
        aria-label={undoStep ? `Undo: ${undoStep.description}` : 'Undo (nothing to undo)'}
        title={undoStep ? `Undo: ${undoStep.description} (Ctrl+Z)` : 'Nothing to undo'}
        onClick={() => {
          if (!undoStep) return
          setSaid(`Undone: ${undoStep.description}`)
          undo()
        }}
      >
        <span aria-hidden="true">↶</span> Undo
      </button>
      <button
        type="button"
        disabled={!redoStep}
        aria-label={redoStep ? `Redo: ${redoStep.description}` : 'Redo (nothing to redo)'}
        title={redoStep ? `Redo: ${redoStep.description} (Ctrl+Shift+Z)` : 'Nothing to redo'}
        onClick={() => {
          if (!redoStep) return
          setSaid(`Redone: ${redoStep.description}`)
          redo()
        }}
      >
        <span aria-hidden="true">↷</span> Redo
      </button>
      <span className="visually-hidden" role="status" aria-live="polite">
        {said}
      </span>
    </div>
  )
}
