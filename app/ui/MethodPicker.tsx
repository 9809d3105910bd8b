import { useId } from 'react'
import { useAppStore } from '../state/store.ts'
import { RANK_METHODS, type RankMethod } from '../lib/vocabulary.ts'

/** The ranking methods in words for people who have never heard of an embedding. */
export const METHOD_TEXT: Record<RankMethod, { title: string; explanation: string }> = {
  mean: {
    title: 'Like the average example',
    explanation: 'Finds chips that look like all of your examples together. Best when your examples show one kind of place.',
  },
  max: {
    title: 'Like any example',
    explanation:
      'Finds chips that look like any one of your examples, so each one counts on its own. Best when your examples differ, such as lakes in summer and lakes under ice.',
  },
  classifier: {
    title: 'Learn from my labels',
    explanation:
      'Trains a small classifier in your browser on the chips you labelled, and scores every chip from 0 (not what you want) to 1 (what you want). “Not this” examples help it most: they show it what to leave out. Until you mark some, random chips stand in for them.',
  },
}

export function MethodPicker() {
  const method = useAppStore((s) => s.method)
  const setMethod = useAppStore((s) => s.setMethod)
  const negatives = useAppStore((s) => s.negatives.length)
  const id = useId()
  return (
    <fieldset className="method-picker">
      <legend className="small muted">Find chips…</legend>
      {RANK_METHODS.map((m) => (
        <label key={m} className="method-option" title={METHOD_TEXT[m].explanation}>
          <input
            type="radio"
            name={`${id}-method`}
            value={m}
            checked={method === m}
            onChange={() => setMethod(m)}
            aria-describedby={method === m ? `${id}-explanation` : undefined}
          />
          {METHOD_TEXT[m].title}
        </label>
      ))}
      <p className="small muted" id={`${id}-explanation`} data-testid="method-explanation">
        {METHOD_TEXT[method].explanation}
      </p>
      {method === 'classifier' && negatives === 0 && (
        <p className="small hint" role="status">
          You have no “not this” examples yet, so random chips stand in for them. Marking a few chips that are wrong sharpens the classifier.
        </p>
      )}
    </fieldset>
  )
}
