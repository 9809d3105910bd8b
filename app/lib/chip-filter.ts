import type { ChipCollection } from './chip-collection.ts'

/**
 * The rows the loss filter keeps, as a predicate; null when nothing is filtered. Chips without
 * a loss (files without the column) are kept: the filter is about the chips that have one.
 */
export function lossKeep(chips: ChipCollection | null, range: [number, number] | null): ((row: number) => boolean) | null {
  if (!chips || !range) return null
  const [lo, hi] = range
  return (row) => {
    const loss = chips.loss(row)
    return loss === null || (loss >= lo && loss <= hi)
  }
}
