import { beforeEach, describe, expect, it } from 'vitest'
import { useAppStore } from './store.ts'
import { MAX_HISTORY } from './label-history.ts'

const initial = useAppStore.getState()
const state = () => useAppStore.getState()
const lists = () => ({ positives: state().positives, negatives: state().negatives })

describe('store: labelling history', () => {
  beforeEach(() => useAppStore.setState(initial, true))

  it('makes every labelling action one step that undo takes back and redo replays', () => {
    const { toggleExample, removeExample, clearExamples, undo, redo } = state()
    toggleExample('a', 'positive')
    toggleExample('b', 'positive')
    toggleExample('c', 'negative')
    toggleExample('b', 'negative') // b changes sides
    removeExample('a')
    expect(lists()).toEqual({ positives: [], negatives: ['c', 'b'] })
    clearExamples()
    expect(lists()).toEqual({ positives: [], negatives: [] })
    expect(state().undoSteps.map((s) => s.description)).toEqual([
      'mark a as positive',
      'mark b as positive',
      'mark c as negative',
      'mark b as negative',
      'remove a from the positives',
      'clear 2 examples',
    ])

    const seen = [lists()]
    for (let i = 0; i < 6; i++) {
      undo()
      seen.push(lists())
    }
    expect(seen.at(-1)).toEqual({ positives: [], negatives: [] })
    expect(seen[1]).toEqual({ positives: [], negatives: ['c', 'b'] })
    expect(seen[2]).toEqual({ positives: ['a'], negatives: ['c', 'b'] })
    expect(seen[3]).toEqual({ positives: ['a', 'b'], negatives: ['c'] })
    expect(state().undoSteps).toEqual([])
    undo() // nothing left: no change
    expect(lists()).toEqual({ positives: [], negatives: [] })

    for (let i = 5; i >= 0; i--) {
      redo()
      expect(lists()).toEqual(seen[i])
    }
    expect(state().redoSteps).toEqual([])
  })

  it('a new step after an undo forgets what could be redone', () => {
    const { toggleExample, undo } = state()
    toggleExample('a', 'positive')
    toggleExample('b', 'positive')
    undo()
    expect(state().redoSteps).toHaveLength(1)
    toggleExample('c', 'negative')
    expect(state().redoSteps).toEqual([])
    expect(lists()).toEqual({ positives: ['a'], negatives: ['c'] })
  })

  it('records nothing for actions that change nothing, nor for the app setting the examples', () => {
    const { removeExample, clearExamples, setExamples } = state()
    removeExample('nope')
    clearExamples()
    setExamples(['a'], ['b'])
    expect(state().undoSteps).toEqual([])
    expect(lists()).toEqual({ positives: ['a'], negatives: ['b'] })
  })

  it(`keeps the last ${MAX_HISTORY} steps`, () => {
    for (let i = 0; i < MAX_HISTORY + 10; i++) state().toggleExample(`c${i}`, 'positive')
    expect(state().undoSteps).toHaveLength(MAX_HISTORY)
    expect(state().undoSteps[0]!.description).toBe('mark c10 as positive')
  })
})

describe('store: ranking method', () => {
  beforeEach(() => useAppStore.setState(initial, true))

  it('defaults to the average example and drops a threshold made for another method', () => {
    expect(state().method).toBe('mean')
    state().setThreshold(0.4)
    state().setMethod('mean')
    expect(state().threshold).toBe(0.4)
    state().setMethod('classifier')
    expect(state().method).toBe('classifier')
    expect(state().threshold).toBeNull()
  })
})

describe('store: drawn areas', () => {
  beforeEach(() => useAppStore.setState(initial, true))
  const ring: [number, number][] = [
    [0, 0],
    [1, 0],
    [1, 1],
  ]

  it('adds, relabels and removes areas as undoable steps, numbering them a1, a2, …', () => {
    const a1 = state().addArea({ label: 'positive', shape: 'polygon', ring })
    const a2 = state().addArea({ label: 'negative', shape: 'point', ring: [[0, 0]] })
    expect([a1, a2]).toEqual(['a1', 'a2'])
    state().setAreaLabel('a1', 'negative')
    state().setAreaDates('a1', { from: '2024-01-01', to: '2024-03-01' })
    state().removeArea('a2')
    expect(state().undoSteps.map((s) => s.description)).toEqual(['draw area a1 as positive', 'draw area a2 as negative', 'mark area a1 as negative', 'remove area a2'])
    state().undo()
    expect(state().areas.map((a) => a.id)).toEqual(['a1', 'a2'])
    state().undo()
    expect(state().areas[0]).toEqual({ id: 'a1', label: 'positive', shape: 'polygon', ring, dates: { from: '2024-01-01', to: '2024-03-01' } })
    state().redo()
    state().redo()
    expect(state().areas.map((a) => [a.id, a.label])).toEqual([['a1', 'negative']])
  })

  it('never reuses an id an undo step could bring back', () => {
    state().addArea({ label: 'positive', shape: 'polygon', ring })
    state().removeArea('a1')
    expect(state().addArea({ label: 'positive', shape: 'polygon', ring })).toBe('a2')
    state().undo()
    state().undo()
    expect(state().areas.map((a) => a.id)).toEqual(['a1'])
  })

  it('clears chips and areas in one step; the app setting areas records none', () => {
    state().toggleExample('c', 'positive')
    state().addArea({ label: 'positive', shape: 'polygon', ring })
    state().clearExamples()
    expect(state().areas).toEqual([])
    state().undo()
    expect(state().areas).toHaveLength(1)
    expect(state().positives).toEqual(['c'])
    const steps = state().undoSteps.length
    state().setAreas([])
    expect(state().undoSteps).toHaveLength(steps)
  })
})
