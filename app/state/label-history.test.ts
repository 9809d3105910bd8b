import { describe, expect, it } from 'vitest'
import { applyAreaChanges, applyChanges, describeChanges, diffExamples, stepBetween, type Examples } from './label-history.ts'
import type { DrawnArea } from '../lib/areas/area.ts'

const ex = (positives: string[], negatives: string[] = []): Examples => ({ positives, negatives })

describe('label history', () => {
  it('records only the chips whose label changed', () => {
    expect(diffExamples(ex(['a', 'b', 'c']), ex(['a', 'c']))).toEqual([{ id: 'b', from: 'positive', fromIndex: 1, to: null, toIndex: -1 }])
    expect(diffExamples(ex(['a'], ['x']), ex([], ['x', 'a']))).toEqual([{ id: 'a', from: 'positive', fromIndex: 0, to: 'negative', toIndex: 1 }])
    expect(stepBetween(ex(['a']), ex(['a']))).toBeNull()
  })

  it('undo restores the lists exactly, in order, and redo replays the step', () => {
    const cases: [Examples, Examples][] = [
      [ex(['a', 'b', 'c'], ['x']), ex(['a', 'c'], ['x'])], // remove from the middle
      [ex(['a', 'b'], ['x']), ex(['b'], ['x', 'a'])], // positive becomes negative
      [ex(['a', 'b', 'c'], ['x', 'y']), ex([], [])], // clear
      [ex([], []), ex(['a'], [])], // first positive
    ]
    for (const [before, after] of cases) {
      const step = stepBetween(before, after)!
      expect(applyChanges(after, step.changes, 'undo')).toEqual(before)
      expect(applyChanges(before, step.changes, 'redo')).toEqual(after)
    }
  })

  it('undoes a step even after other chips were labelled since', () => {
    const before = ex(['a', 'b'])
    const step = stepBetween(before, ex(['a']))! // remove b
    // Meanwhile c was added and a was dropped by the app.
    const now = ex(['c'], ['z'])
    expect(applyChanges(now, step.changes, 'undo')).toEqual(ex(['c', 'b'], ['z']))
  })

  it('says what a step did', () => {
    expect(stepBetween(ex([]), ex(['03WVN_20220610_0200']))!.description).toBe('mark 03WVN_20220610_0200 as positive')
    expect(stepBetween(ex(['a']), ex([], ['a']))!.description).toBe('mark a as negative')
    expect(stepBetween(ex(['a']), ex([]))!.description).toBe('remove a from the positives')
    expect(stepBetween(ex([], ['a']), ex([]))!.description).toBe('remove a from the negatives')
    expect(stepBetween(ex(['a', 'b'], ['c']), ex([]))!.description).toBe('clear 3 examples')
    expect(describeChanges(diffExamples(ex(['a'], []), ex(['b'], [])))).toBe('change 2 examples')
  })
})

describe('label history: drawn areas', () => {
  const area = (id: string, label: 'positive' | 'negative' = 'positive') => ({ id, label, shape: 'rectangle' as const, ring: [[0, 0], [1, 0], [1, 1], [0, 1]] as [number, number][] })
  it('records areas added, removed and relabelled; undo and redo restore the list exactly', () => {
    const cases: [DrawnArea[], DrawnArea[], string][] = [
      [[area('a1')], [area('a1'), area('a2', 'negative')], 'draw area a2 as negative'],
      [[area('a1'), area('a2'), area('a3')], [area('a1'), area('a3')], 'remove area a2'],
      [[area('a1'), area('a2')], [area('a1'), area('a2', 'negative')], 'mark area a2 as negative'],
    ]
    for (const [before, after, said] of cases) {
      const step = stepBetween({ ...ex(['c']), areas: before }, { ...ex(['c']), areas: after })!
      expect(step.description).toBe(said)
      expect(step.changes).toEqual([])
      expect(applyAreaChanges(after, step.areaChanges!, 'undo')).toEqual(before)
      expect(applyAreaChanges(before, step.areaChanges!, 'redo')).toEqual(after)
    }
    // Chips and areas cleared together are one step.
    const clear = stepBetween({ ...ex(['c']), areas: [area('a1')] }, { ...ex([]), areas: [] })!
    expect(clear.description).toBe('clear 2 examples')
  })

  it('undoing a relabel keeps what changed since (dates), and takes only the label back', () => {
    const step = stepBetween({ ...ex([]), areas: [area('a1')] }, { ...ex([]), areas: [area('a1', 'negative')] })!
    const now = [{ ...area('a1', 'negative'), dates: { from: '2024-01-01', to: '2024-02-01' } }]
    expect(applyAreaChanges(now, step.areaChanges!, 'undo')).toEqual([{ ...area('a1'), dates: { from: '2024-01-01', to: '2024-02-01' } }])
  })
})
