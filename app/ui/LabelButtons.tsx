import { useAppStore } from '../state/store.ts'

export type ExampleLabel = 'positive' | 'negative' | null

/** The chip's label, if it is an example; re-renders when the examples change. */
export function useExampleLabel(id: string): ExampleLabel {
  return useAppStore((s) => (s.positives.includes(id) ? 'positive' : s.negatives.includes(id) ? 'negative' : null))
}

/**
 * "More like this" and "Not this" for one chip: toggle buttons (pressed while the chip is that
 * kind of example; pressing again removes it). Each step can be undone.
 */
export function LabelButtons({ id, label }: { id: string; label: ExampleLabel }) {
  const toggleExample = useAppStore((s) => s.toggleExample)
  return (
    <span className="label-buttons" role="group" aria-label={`Label ${id}`}>
      <button
        type="button"
        className="label-button positive"
        aria-pressed={label === 'positive'}
        aria-label={`More like this: ${id}`}
        title={label === 'positive' ? 'More like this (press again to remove it from the examples)' : 'More like this'}
        onClick={() => toggleExample(id, 'positive')}
      >
        +
      </button>
      <button
        type="button"
        className="label-button negative"
        aria-pressed={label === 'negative'}
        aria-label={`Not this: ${id}`}
        title={label === 'negative' ? 'Not this (press again to remove it from the examples)' : 'Not this'}
        onClick={() => toggleExample(id, 'negative')}
      >
        −
      </button>
    </span>
  )
}

/** The + or − badge of a chip that is already an example. */
export function LabelBadge({ label }: { label: ExampleLabel }) {
  if (!label) return null
  return (
    <span className={`badge ${label}`} title={label === 'positive' ? 'A positive example' : 'A negative example'}>
      <span aria-hidden="true">{label === 'positive' ? '+' : '−'}</span>
      <span className="visually-hidden">{label === 'positive' ? 'positive example' : 'negative example'}</span>
    </span>
  )
}
