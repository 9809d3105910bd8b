// Examples the loaded chips don't have (a link's, a labels file's, a restored session's): once
// nothing more can bring them, they are reported and left out. This says which and how; the
// loader applies it in the same store change as the data that settled it, so the ranking and the
// address bar see one change, not a load and then a correction.

import type { ChipCollection } from '../../../lib/chip-collection.ts'

export interface Reconciled {
  positives: string[]
  negatives: string[]
  /** What to tell the person (ids shown as text, at most three of them). */
  notice: string
}

/** The examples without the ids `chips` lacks; null when it has them all. */
export function reconcileExamples(chips: ChipCollection, examples: { positives: string[]; negatives: string[] }, kind: 'file' | 'folder'): Reconciled | null {
  const { positives, negatives } = examples
  const unknown = [...positives, ...negatives].filter((id) => chips.rowOf(id) === undefined)
  if (unknown.length === 0) return null
  const shown = unknown.slice(0, 3).map((id) => `“${id}”`).join(', ')
  const more = unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''
  const one = unknown.length === 1
  const where = kind === 'folder' ? 'in the loaded part of this dataset' : 'in this dataset'
  return {
    positives: positives.filter((id) => chips.rowOf(id) !== undefined),
    negatives: negatives.filter((id) => chips.rowOf(id) !== undefined),
    notice: `${one ? 'Chip' : 'Chips'} ${shown}${more} ${one ? "isn't" : "aren't"} ${where}, so ${one ? 'it was' : 'they were'} skipped.`,
  }
}
