// Examples the loaded data lacks are dropped with one notice that names them as text.
import { describe, expect, it } from 'vitest'
import { ChipCollection } from '../../../lib/chip-collection.ts'
import { reconcileExamples } from './reconcile.ts'

function chips(ids: string[]): ChipCollection {
  const c = new ChipCollection()
  const ringCoords = new Float64Array(ids.length * 10)
  const ringStarts = Uint32Array.from({ length: ids.length + 1 }, (_, i) => i * 5)
  c.add('f.parquet', { ids, dates: ids.map(() => null), sourceUrls: ids.map(() => null), ringCoords, ringStarts })
  return c
}

describe('reconcileExamples', () => {
  it('keeps every example the data has, in order, and says nothing when it has them all', () => {
    expect(reconcileExamples(chips(['a', 'b']), { positives: ['b', 'a'], negatives: [] }, 'file')).toBeNull()
  })

  it('drops the others and names them, at most three, as the dataset kind says', () => {
    const r = reconcileExamples(chips(['a', 'b']), { positives: ['a', 'x'], negatives: ['y', 'b', 'z', 'w'] }, 'folder')!
    expect(r.positives).toEqual(['a'])
    expect(r.negatives).toEqual(['b'])
    expect(r.notice).toBe('Chips “x”, “y”, “z” and 1 more aren\'t in the loaded part of this dataset, so they were skipped.')
    const one = reconcileExamples(chips(['a']), { positives: ['<img src=x>'], negatives: [] }, 'file')!
    expect(one.notice).toBe('Chip “<img src=x>” isn\'t in this dataset, so it was skipped.')
  })
})
