import { beforeEach, describe, expect, it } from 'vitest'
import { useAppStore } from './store.ts'

describe('addExamples (a labels file)', () => {
  beforeEach(() => useAppStore.setState({ positives: ['p0'], negatives: [], areas: [], undoSteps: [], redoSteps: [] }))

  it('adds chips and areas in one step that Undo takes back, keeping labels already given', () => {
    const s = useAppStore.getState()
    s.addExamples({
      positives: ['p0', 'p1'],
      negatives: ['n1'],
      areas: [{ label: 'negative', shape: 'point', ring: [[1, 2]] }, { label: 'positive', shape: 'point', ring: [[3, 4]] }],
    })
    const after = useAppStore.getState()
    expect(after.positives).toEqual(['p0', 'p1'])
    expect(after.negatives).toEqual(['n1'])
    expect(after.areas.map((a) => a.id)).toEqual(['a1', 'a2'])
    expect(after.undoSteps).toHaveLength(1)
    after.undo()
    expect(useAppStore.getState()).toMatchObject({ positives: ['p0'], negatives: [], areas: [] })
  })
})
